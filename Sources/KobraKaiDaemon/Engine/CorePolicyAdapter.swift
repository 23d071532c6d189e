import KobraKaiAddress
import KobraKaiCore

/// Plugs the detection core's `BanPolicy` into the ban engine: same events in, its decisions translated to
/// the engine's `EngineBan` (target, duration, reason, origin), nothing else translated, so the policy stays
/// the only place that decides. The engine keeps its own allowlist check in front of the firewall; the
/// policy's allowlist stops counting earlier.
public struct CorePolicyAdapter: BanDeciding {
    public private(set) var policy: BanPolicy

    public init(policy: BanPolicy) { self.policy = policy }

    public mutating func observe(_ event: SecurityEvent, now: Timestamp) -> [EngineBan] {
        policy.observe(event, now: now).map { decision in
            EngineBan(
                target: decision.target, duration: decision.duration, reason: decision.reason,
                origin: decision.origin.rawValue, rule: decision.rule)
        }
    }

    public mutating func release(_ target: IPPrefix, now: Timestamp) {
        policy.releaseBan(of: target, now: now)
    }

    /// The new policy starts with the old one's offender history, so progressive ban times and duplicate
    /// suppression survive a reload (per-address counters of the current window start over).
    public mutating func adopt(_ replacement: any BanDeciding, now: Timestamp) -> [IPPrefix] {
        guard let replacement = replacement as? CorePolicyAdapter else { return [] }
        var next = replacement.policy
        next.restore(policy.offenderHistory(), now: now)
        let lifted = next.allowlistedActiveBans(now: now).map(\.target)
        for target in lifted { next.releaseBan(of: target, now: now) }
        policy = next
        return lifted
    }
}
