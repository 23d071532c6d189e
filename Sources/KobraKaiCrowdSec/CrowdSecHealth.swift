import Foundation

/// What `kobrakai status` and the metrics endpoint show about one CrowdSec component.
public struct CrowdSecHealth: Hashable, Sendable {
    /// The last call that succeeded.
    public var lastSuccess: Date?
    /// The last failure's message; kept after recovery so that status can say what happened.
    public var lastError: String?
    public var lastErrorAt: Date?
    /// Failures since the last success (0 = healthy).
    public var consecutiveFailures = 0
    /// Bouncer: targets with an active CrowdSec decision. Watcher: bans waiting to be pushed.
    public var pending = 0
    /// Bouncer: ban requests given to the firewall. Watcher: alerts accepted by the LAPI.
    public var applied = 0
    /// Bouncer: targets unbanned after their decisions were deleted.
    public var removed = 0
    /// Bouncer: decisions not applied because the target is allowlisted. Watcher: bans dropped (queue full
    /// or expired before the LAPI came back).
    public var skipped = 0
    /// Bouncer: bans the firewall refused (overlap, full set).
    public var rejected = 0

    public init() {}

    mutating func recordSuccess(at now: Date = Date()) {
        lastSuccess = now
        consecutiveFailures = 0
    }

    mutating func recordFailure(_ error: CrowdSecError, at now: Date = Date()) {
        lastError = error.message
        lastErrorAt = now
        consecutiveFailures += 1
    }
}
