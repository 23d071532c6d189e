/// One log file to follow.
public struct LogSourceConfiguration: Hashable, Sendable {
    /// What the file contains; a hint for the parser (`auto` detects the format from the lines).
    public enum Format: String, Hashable, Sendable, CaseIterable {
        case auto
        /// Asterisk `full`, `messages` or `security` log in the default text format.
        case asterisk
        /// Asterisk's `[json]` logger.conf formatter.
        case asteriskJSON = "asterisk-json"
        case kamailio
        case opensips
        case freeswitch
        /// Only the operator's `patterns` are applied.
        case custom
    }

    /// Where to begin when the daemon starts.
    public enum StartPosition: String, Hashable, Sendable, CaseIterable {
        /// Only new lines: old attacks are not re-judged at every restart (the default).
        case end
        /// The whole file: useful once, to ban what is in an existing log.
        case beginning
    }

    public var path: String
    public var format: Format
    public var startAt: StartPosition

    public init(path: String, format: Format = .auto, startAt: StartPosition = .end) {
        self.path = path
        self.format = format
        self.startAt = startAt
    }
}
