/// The verbs the control socket understands.
public enum ControlCommand: String, Codable, Hashable, Sendable, CaseIterable {
    /// Uptime, counters, followed files, firewall state.
    case status
    /// Current bans with their remaining time and reason.
    case list
    /// Ban `address` for `duration` (default: the policy's first ban time) with an optional `reason`.
    case ban
    /// Lift the ban on `address`.
    case unban
    /// Whether `address` is banned, allowlisted, and what the policy knows about it.
    case testIP = "test-ip"
    /// Re-read the configuration (allowlist, rules) without restarting.
    case reload
}
