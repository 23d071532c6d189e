import KobraKaiDaemon
import KobraKaiFirewall

/// A ruleset guard over the in-memory firewall: "re-creating the ruleset" is applying the bans it is given,
/// so after a test empties the firewall (its `nft flush ruleset`) what a repair restores is all that is banned.
struct InMemoryRulesetGuard: RulesetGuard {
    let firewall: InMemoryFirewall

    func rulesetChanges() -> AsyncStream<Void> { AsyncStream { $0.finish() } }

    func restore(_ bans: [BanRequest]) async throws(FirewallError) -> [RejectedBan] {
        try await firewall.ban(bans)
    }
}
