import KobraKaiFirewall

/// What the engine needs to survive `nft flush ruleset` / `systemctl reload nftables`: notice that the
/// table or sets vanished, and put the table, sets, rules and bans back in one batch.
///
/// Implemented over netlink outside this module (the daemon never imports the netfilter backend); dry
/// runs have none.
public protocol RulesetGuard: Sendable {
    /// One element each time the ruleset was found changed in a way that may have removed the table or a
    /// set. A backend without change notifications returns a stream that never yields: the engine then
    /// repairs when a ban fails with `.rulesetMissing`.
    func rulesetChanges() -> AsyncStream<Void>

    /// Re-creates the table, sets and rules when missing and applies `bans`, in as few transactions as the
    /// backend can (one when it can).
    func restore(_ bans: [BanRequest]) async throws(FirewallError) -> [RejectedBan]
}
