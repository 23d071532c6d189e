import KobraKaiCore

/// One security event as the state database keeps it for reports.
public struct StoredEvent: Hashable, Sendable {
    /// Longest account name kept, in UTF-8 bytes: enough for any real SIP user or extension, and a flood of
    /// megabyte-long From headers cannot fill the disk.
    public static let accountLimit = 64

    /// When it happened: the source's own time (a log line's timestamp, so lines read after a restart or a
    /// catch-up land in the right hour), never later than when the daemon received it.
    public var at: Timestamp
    public var address: String
    public var rule: String
    public var service: String
    /// `log` or `ami`.
    public var origin: String
    /// Attacker-controlled text, cut to `accountLimit` bytes: shown (sanitised) in reports, never used for anything else.
    public var account: String?

    public init(at: Timestamp, address: String, rule: String, service: String, origin: String, account: String?) {
        self.at = at
        self.address = address
        self.rule = rule
        self.service = service
        self.origin = origin
        self.account = account.map(Self.bounded)
    }

    /// A time in the future (a skewed clock, a misread year-less date) is clamped to the receive time.
    public init(_ event: SecurityEvent, receivedAt: Timestamp) {
        self.init(at: min(event.time ?? receivedAt, receivedAt), address: event.address.description, rule: event.rule, service: event.service.rawValue,
                  origin: event.origin.rawValue, account: event.account)
    }

    /// The longest prefix of `text` of at most `accountLimit` UTF-8 bytes that ends on a character boundary.
    static func bounded(_ text: String) -> String {
        guard text.utf8.count > accountLimit else { return text }
        var result = ""
        var bytes = 0
        for character in text {
            let size = character.utf8.count
            if bytes + size > accountLimit { break }
            result.append(character)
            bytes += size
        }
        return result
    }
}
