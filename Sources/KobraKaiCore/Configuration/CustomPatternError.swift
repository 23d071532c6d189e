/// Why an operator pattern was refused; the message quotes the pattern so the operator can find it.
public struct CustomPatternError: Error, Hashable, Sendable, CustomStringConvertible {
    public var pattern: String
    public var reason: String

    public init(pattern: String, reason: String) {
        self.pattern = pattern.utf8.count > 200 ? String(pattern.prefix(200)) + "…" : pattern
        self.reason = reason
    }

    public var description: String { "pattern \"\(pattern)\": \(reason)" }
}
