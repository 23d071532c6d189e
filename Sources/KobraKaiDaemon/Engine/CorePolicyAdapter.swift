import KobraKaiCore

/// Plugs the detection core's `BanPolicy` into the ban engine: same events in, its decisions translated to
/// the engine's `EngineBan` (target, duration, reason, origin). The engine keeps its own allowlist check
/// in front of the firewall; the policy's allowlist stops counting earlier.
public struct CorePolicyAdapter: BanDeciding {
    public private(set) var policy: BanPolicy

    public init(policy: BanPolicy) { self.policy = policy }

    public mutating func observe(_ event: SecurityEvent, now: Timestamp) -> [EngineBan] {
        policy.observe(event, now: now).map { decision in
            EngineBan(
                target: decision.target, duration: decision.duration, reason: decision.reason,
                origin: decision.origin.rawValue)
        }
    }
}
