/// Why a configuration was refused: the key that is wrong and what is wrong with it.
///
/// The executable maps every `ConfigurationError` to sysexits 78 (EX_CONFIG). The key path is written the
/// way the operator sees the file (`policy.subnet.hosts`, `log_sources[2].path`), so the message alone
/// is enough to find and fix the line.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Dotted key path with array indexes, or empty for errors about the document as a whole.
    public var keyPath: String
    public var reason: String

    public init(keyPath: String, reason: String) {
        self.keyPath = keyPath
        self.reason = reason
    }

    public var description: String { keyPath.isEmpty ? reason : "\(keyPath): \(reason)" }
}
