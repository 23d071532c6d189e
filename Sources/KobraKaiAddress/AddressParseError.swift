/// Why a piece of text is not an IP address or prefix.
///
/// The message names the offending input so that an operator reading a log or a CLI error can find the line.
public struct AddressParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text that was rejected (truncated to keep error messages bounded).
    public let input: String
    /// A short human explanation, e.g. "octet above 255".
    public let reason: String

    public init(input: some StringProtocol, reason: String) {
        self.input = input.count > 80 ? String(input.prefix(80)) + "…" : String(input)
        self.reason = reason
    }

    public var description: String { "invalid address '\(input)': \(reason)" }
}
