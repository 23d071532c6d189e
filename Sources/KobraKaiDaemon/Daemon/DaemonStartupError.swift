/// Why the daemon could not start (or a reload was refused), with the sysexits code the executable exits
/// with: 78 configuration, 77 permission, 69 firewall unavailable, 73 state directory unusable.
public struct DaemonStartupError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var exitCode: Int32

    public init(_ message: String, exitCode: Int32) {
        self.message = message
        self.exitCode = exitCode
    }

    public static func configuration(_ message: String) -> DaemonStartupError { DaemonStartupError(message, exitCode: 78) }

    public var description: String { message }
}
