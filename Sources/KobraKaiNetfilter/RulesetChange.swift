/// One committed nf_tables transaction, as far as it concerns `table inet kobrakai`, reported by
/// `NftablesMonitor`.
///
/// Changes to other tables are reported only as `.generation` (every transaction in the namespace bumps the
/// generation id), so a daemon can tell "someone touched nftables" from "our bans are gone".
public enum RulesetChange: Sendable, Hashable {
    /// Our table was deleted, with every ban in it: `nft flush ruleset`, `nft delete table inet kobrakai`,
    /// `systemctl reload nftables` with a configuration that starts with `flush ruleset`. Reported even if the
    /// same transaction created the table again (reloading a file that deletes and redefines it): the bans are
    /// gone either way. Restore with `NftablesFirewall.restore(_:)`.
    case tableDeleted(by: ChangeOrigin)
    /// Some of our sets were deleted while the table stayed (`nft delete set inet kobrakai ban_v4`).
    case setsDeleted([String], by: ChangeOrigin)
    /// Rules were removed from a chain of our table and none were added back in the same transaction
    /// (`nft flush chain inet kobrakai prerouting`, `nft delete rule ...`), or the chain itself was deleted:
    /// bans no longer drop anything. Reloading nft/kobrakai.nft or `installRuleset()` (flush and refill) is
    /// not reported.
    case rulesRemoved(chain: String, by: ChangeOrigin)
    /// A transaction was committed in this network namespace (ours, nft's, anyone's): the new generation id.
    /// Follows the changes above that belong to the same transaction.
    case generation(UInt32, by: ChangeOrigin)
    /// The kernel dropped notifications because the monitor's socket buffer was full (ENOBUFS), for example
    /// during a bulk load (the kernel also reports every element added). Something may have changed:
    /// re-verify the ruleset.
    case notificationsLost
}
