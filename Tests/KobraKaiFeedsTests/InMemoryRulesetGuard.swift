import KobraKaiDaemon
import KobraKaiFirewall

/// The ruleset guard of an `InMemoryFirewall`: "re-creating the ruleset" is applying the bans again (the
/// test flushed the firewall to play `nft flush ruleset`). Counts its restores.
struct InMemoryRulesetGuard: RulesetGuard {
    let firewall: InMemoryFirewall

    func rulesetChanges() -> AsyncStream<Void> { AsyncStream { _ in } }

    func restore(_ bans: [BanRequest]) async throws(FirewallError) -> [RejectedBan] {
        try await firewall.ban(bans)
    }
}
