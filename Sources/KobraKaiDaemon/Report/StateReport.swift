import KobraKaiCore

/// What `kobrakai report` shows: who attacked, which accounts they tried, what was banned and when, over
/// one window of the state database's history. A value: computed by `StateReportReader`, rendered as text
/// or JSON. Attacker-controlled text (account names) is kept as stored; renderers neutralise it.
public struct StateReport: Hashable, Sendable {
    /// A key (address, prefix, rule, reason, origin) and how many events or bans it had.
    public struct Tally: Hashable, Sendable {
        public var key: String
        public var count: Int
        /// Distinct attacking addresses behind the count (prefixes, accounts); nil where meaningless.
        public var addresses: Int?
        public var lastSeen: Timestamp?

        public init(key: String, count: Int, addresses: Int? = nil, lastSeen: Timestamp? = nil) {
            self.key = key
            self.count = count
            self.addresses = addresses
            self.lastSeen = lastSeen
        }
    }

    /// Events in one slice of the window (an hour, or a day for windows longer than three days).
    public struct Bucket: Hashable, Sendable {
        public var start: Timestamp
        public var events: Int
    }

    public var windowStart: Timestamp
    public var windowEnd: Timestamp
    public var totalEvents: Int
    public var distinctAddresses: Int
    public var totalBans: Int
    public var topAddresses: [Tally]
    /// IPv4 /24s and IPv6 /64s, by events.
    public var topPrefixes: [Tally]
    /// Accounts tried (enumeration), by attempts; `addresses` = how many sources tried each.
    public var topAccounts: [Tally]
    public var topRules: [Tally]
    public var bansByReason: [Tally]
    public var bansByOrigin: [Tally]
    public var bucketWidth: Duration
    public var buckets: [Bucket]
    /// Event rows the row cap deleted before their retention ended (counts above may be partial).
    public var eventsDroppedByCap: Int
}
