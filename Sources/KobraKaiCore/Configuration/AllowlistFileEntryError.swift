/// One line of an allowlist file that is not an address or CIDR.
public struct AllowlistFileEntryError: Hashable, Sendable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    public var text: String
    public var reason: String

    public init(line: Int, text: String, reason: String) {
        self.line = line
        self.text = text
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}
