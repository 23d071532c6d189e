/// Counters for `kobrakai status` and metrics.
public struct BanEngineStatistics: Hashable, Sendable {
    public var eventsObserved = 0
    /// Firewall transactions sent (each carries every ban of one tick).
    public var transactions = 0
    public var bansApplied = 0
    /// Decisions dropped because the target touches the allowlist (own addresses, trunks, offices).
    public var bansRefusedByAllowlist = 0
    /// Bans the backend refused one by one (overlap, invalid element).
    public var bansRejectedByFirewall = 0
    /// Whole transactions that failed (ruleset missing, permission, unknown outcome).
    public var firewallFailures = 0
    public var bansRestored = 0
    /// Times the table and sets were re-created after vanishing.
    public var rulesetRepairs = 0

    public init() {}
}
