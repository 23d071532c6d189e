import KobraKaiFirewall

extension NftablesFirewall {
    /// Re-creates `table inet kobrakai` as nft/kobrakai.nft defines it (like `installRuleset()`) and adds
    /// `bans`: the ruleset and the first bans (as many as fit in one 64 KB transaction: ~2000 IPv4 hosts
    /// without comments, fewer with comments) in ONE transaction, the rest in the transactions
    /// that immediately follow (about 1 ms each; 100 000 bans in ~0.1 s).
    ///
    /// For the daemon after `NftablesMonitor` reported `.tableDeleted` (or `verify()` failed): pass every ban
    /// still active in its own records, each with its REMAINING time as `timeout` and its comment. The table
    /// never exists without its rules, and the first bans arrive with it. Safe when the table exists: table,
    /// sets and chain are kept (the chain is flushed and refilled), elements already present are updated.
    /// - Returns: the bans the kernel refused one by one (as `ban(_:)` does); all others are in place.
    /// - Throws: like `installRuleset()` (e.g. a set of the same name with other flags), or `.outcomeUnknown`
    ///   when replies were lost (then `verify()` and `list()` tell what is there; restoring again is safe).
    public func restore(_ bans: [BanRequest]) async throws(FirewallError) -> [RejectedBan] {
        try applyBans(bans, leading: RulesetMessages.all(table: KobraKaiRuleset.table))
    }
}
