import KobraKaiDaemon
import KobraKaiFirewall
import KobraKaiNetfilter

/// The netlink side of the daemon's ruleset guard: nftables change notifications (`NftablesMonitor`) tell
/// the engine at once when the table, a set or our rules vanish, and `NftablesFirewall.restore(_:)` puts
/// table, sets, rules and bans back (the ruleset and the first bans in one transaction).
struct NftablesRulesetGuard: RulesetGuard {
    let firewall: NftablesFirewall
    let monitor: NftablesMonitor
    static let suspendThreshold = 1000

    /// Subscribes now (before the daemon reports READY), in this process's network namespace.
    init(firewall: NftablesFirewall) throws(FirewallError) {
        self.firewall = firewall
        monitor = try NftablesMonitor()
    }

    func rulesetChanges() -> AsyncStream<Void> {
        let changes = monitor.changes
        let firewall = self.firewall
        // One signal per foreign transaction that removed something of ours (its `.generation` closes it),
        // so `nft flush ruleset` (table, sets and rules deleted at once) causes one repair, not three. The
        // daemon's own transactions are never a reason to repair.
        return AsyncStream(bufferingPolicy: .bufferingNewest(1)) { continuation in
            let task = Task {
                var damaged = false
                for await change in changes {
                    switch change {
                    case .tableDeleted(let origin), .setsDeleted(_, let origin), .rulesRemoved(_, let origin):
                        if !origin.isThisProcess { damaged = true }
                    case .generation:
                        if damaged { continuation.yield() }
                        damaged = false
                    case .notificationsLost:
                        // After our own suspended bulk restore, or an overflow: repair only if something is
                        // actually missing (repairing unconditionally would suspend, resume and loop).
                        do { try await firewall.verify() } catch { continuation.yield() }
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    func restore(_ bans: [BanRequest]) async throws(FirewallError) -> [RejectedBan] {
        // Element notifications for a bulk restore would triple its kernel time: leave the group meanwhile
        // (not for a few bans, where it would only cost a verify afterwards).
        guard bans.count >= Self.suspendThreshold else { return try await firewall.restore(bans) }
        try? monitor.suspend()
        defer { try? monitor.resume() }
        return try await firewall.restore(bans)
    }
}
