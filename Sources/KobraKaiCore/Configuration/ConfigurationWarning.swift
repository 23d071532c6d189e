/// Something in a configuration that was accepted but deserves the operator's attention
/// (an unknown key, probably a typo; a KobraKai v2.3 key that has no effect any more).
public struct ConfigurationWarning: Hashable, Sendable, CustomStringConvertible {
    public var keyPath: String
    public var message: String

    public init(keyPath: String, message: String) {
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String { "\(keyPath): \(message)" }
}
