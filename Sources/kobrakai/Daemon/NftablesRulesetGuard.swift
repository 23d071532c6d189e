import KobraKaiDaemon
import KobraKaiFirewall
import KobraKaiNetfilter

/// The netlink side of the daemon's ruleset guard: nftables change notifications (`NftablesMonitor`) tell
/// the engine at once when the table, a set or our rules vanish, and `NftablesFirewall.restore(_:)` puts
/// table, sets, rules and bans back (the ruleset and the first bans in one transaction).
struct NftablesRulesetGuard: RulesetGuard {
    let firewall: NftablesFirewall
    let monitor: NftablesMonitor

    /// Subscribes now (before the daemon reports READY), in this process's network namespace.
    init(firewall: NftablesFirewall) throws(FirewallError) {
        self.firewall = firewall
        monitor = try NftablesMonitor()
    }

    func rulesetChanges() -> AsyncStream<Void> {
        let changes = monitor.changes
        return AsyncStream { continuation in
            let task = Task {
                for await change in changes {
                    switch change {
                    case .tableDeleted, .setsDeleted, .rulesRemoved, .notificationsLost: continuation.yield()
                    case .generation: continue
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    func restore(_ bans: [BanRequest]) async throws(FirewallError) -> [RejectedBan] {
        // Element notifications for a bulk restore would triple its kernel time: leave the group meanwhile.
        try? monitor.suspend()
        defer { try? monitor.resume() }
        return try await firewall.restore(bans)
    }
}
