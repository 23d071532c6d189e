import KobraKaiCore

/// What one feed (APIBAN, or one blocklist file) is doing, for `kobrakai status` and alerts: whether its
/// last attempt worked and what it applied.
public struct FeedHealth: Hashable, Sendable {
    /// Failed attempts since the last success (0 while healthy).
    public var consecutiveFailures = 0
    public var lastSuccess: Timestamp?
    /// The last failure's message (never contains a credential).
    public var lastError: String?
    /// Addresses or prefixes the feed currently lists (blocklists) or received in all (APIBAN).
    public var listed = 0
    /// Bans added (refreshes not counted).
    public var applied = 0
    /// Bans renewed before their timeout ran out (blocklists).
    public var refreshed = 0
    /// Bans lifted because the entry left the list (blocklists).
    public var removed = 0
    /// Entries not applied because they overlap the allowlist or the host's own addresses.
    public var skippedProtected = 0
    /// Entries that are not addresses (or prefixes): counted and skipped.
    public var invalid = 0
    /// Bans the firewall refused one by one (an overlapping prefix, a full set).
    public var rejected = 0

    public init() {}

    /// `starting`, `ok` or `failing`.
    public var state: String {
        consecutiveFailures > 0 ? "failing" : (lastSuccess == nil ? "starting" : "ok")
    }

    mutating func recordSuccess(at time: Timestamp) {
        consecutiveFailures = 0
        lastSuccess = time
        lastError = nil
    }

    mutating func recordFailure(_ message: String) {
        consecutiveFailures += 1
        lastError = message
    }
}
