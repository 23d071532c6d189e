import KobraKaiAddress
import KobraKaiCore

/// Plugs the detection core's `BanPolicy` into the engine: its `BanDecision`s become `EngineBan`s (target,
/// duration, reason, origin), nothing else is translated, so the policy stays the only place that decides.
public struct PolicyDecider: BanDeciding {
    public private(set) var policy: BanPolicy

    public init(_ policy: BanPolicy) { self.policy = policy }

    public mutating func observe(_ event: SecurityEvent, now: Timestamp) -> [EngineBan] {
        policy.observe(event, now: now).map {
            EngineBan(target: $0.target, duration: $0.duration, reason: $0.reason, origin: $0.origin.rawValue)
        }
    }

    public mutating func release(_ target: IPPrefix, now: Timestamp) {
        policy.releaseBan(of: target, now: now)
    }

    /// The new policy starts with the old one's offender history, so progressive ban times and duplicate
    /// suppression survive a reload (per-address counters of the current window start over).
    public mutating func adopt(_ replacement: any BanDeciding, now: Timestamp) -> [IPPrefix] {
        guard let replacement = replacement as? PolicyDecider else { return [] }
        var next = replacement.policy
        next.restore(policy.offenderHistory(), now: now)
        let lifted = next.allowlistedActiveBans(now: now).map(\.target)
        for target in lifted { next.releaseBan(of: target, now: now) }
        policy = next
        return lifted
    }
}
