/// A control-socket failure worded for the operator (`kobrakai status` prints it as is).
public struct ControlError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var errno: Int32?

    public init(_ message: String, errno: Int32? = nil) {
        self.message = message
        self.errno = errno
    }

    public var description: String { message }
}
