import KobraKaiDaemon
import KobraKaiFirewall
import KobraKaiNetfilter

/// The netlink side of the daemon's ruleset guard.
///
/// Without a change monitor yet, `rulesetChanges()` ends at once and the engine repairs when a ban finds
/// the table or a set missing; `restore` is `installRuleset()` then one ban batch (two transactions).
struct NftablesRulesetGuard: RulesetGuard {
    let firewall: NftablesFirewall

    func rulesetChanges() -> AsyncStream<Void> { AsyncStream { $0.finish() } }

    func restore(_ bans: [BanRequest]) async throws(FirewallError) -> [RejectedBan] {
        try await firewall.installRuleset()
        return bans.isEmpty ? [] : try await firewall.ban(bans)
    }
}
