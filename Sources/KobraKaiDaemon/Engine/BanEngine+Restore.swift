import KobraKaiAddress
import KobraKaiCore
import KobraKaiFirewall

extension BanEngine {
    /// Puts back every unexpired ban with its remaining time, in one call to the firewall (which encodes and
    /// sends them a slice at a time): at start (from the state store, plus the kernel's own bans the store
    /// lacks), and whenever the table or sets were found wiped (from the in-memory mirror of the same bans).
    ///
    /// Memory: the only full-size copy made here is the request list (about 64 bytes a ban); the store is
    /// read row by row into the compact mirror. With 63,500 bans this took a start-up's VmHWM from
    /// 116 MB to 54 MB (docs/torture.md, "Peak memory").
    /// - Parameter reinstallingRuleset: also re-create the table, sets and rules (through the ruleset
    ///   guard) because they are missing.
    /// - Returns: how many bans were restored.
    @discardableResult
    public func restoreBans(reinstallingRuleset: Bool = false) async throws -> Int {
        let current = now()
        if !activeBans.isLoaded {
            // At start only. The store's rows go straight into a compact mirror, row by row; then the kernel
            // bans a kill left unrecorded are adopted over it (they win over a shorter stored row).
            let stored = try await store.reduceUnexpiredBans(now: current, into: ActiveBans()) { $0.insert($1) }
            activeBans.load(stored)
            await adoptKernelBans(at: current)
        }
        var requests = activeBans.requests(at: current)
        requests.removeAll { request in
            guard let entry = allowlist.entry(overlapping: request.target) else { return false }
            logger.warning("not restoring an allowlisted ban", metadata: ["target": "\(request.target)", "allowlist": "\(entry)"])
            return true
        }
        let rejected: [RejectedBan]
        if reinstallingRuleset, let rulesetGuard {
            rejected = try await rulesetGuard.restore(requests)
        } else {
            guard !requests.isEmpty else { return 0 }
            rejected = try await firewall.ban(requests)
        }
        statistics.transactions += 1
        statistics.bansRestored += requests.count - rejected.count
        for rejection in rejected {
            logger.warning("restore rejected", metadata: ["target": "\(rejection.request.target)", "error": "\(rejection.error)"])
        }
        logger.info("bans restored", metadata: ["count": "\(requests.count - rejected.count)"])
        return requests.count - rejected.count
    }

    /// Re-creates the table, sets and rules and restores every unexpired ban, unless a repair is already
    /// running (a flush of the ruleset makes several bans and a change notification all report it).
    public func repairRuleset(trigger: String) async {
        guard rulesetGuard != nil, !repairInProgress else { return }
        repairInProgress = true
        defer { repairInProgress = false }
        logger.warning("nftables table or sets missing: re-creating them and restoring bans", metadata: ["trigger": "\(trigger)"])
        do {
            let restored = try await restoreBans(reinstallingRuleset: true)
            statistics.rulesetRepairs += 1
            logger.notice("ruleset re-created", metadata: ["bans": "\(restored)"])
            // Bans that failed while this repair was running were recorded after it read the store: apply
            // them now (repeating already restored ones only refreshes them).
            while !bansAwaitingRepair.isEmpty {
                let late = bansAwaitingRepair
                bansAwaitingRepair.removeAll()
                _ = try await firewall.ban(late)
            }
            for handler in rulesetRepairedHandlers { handler() }
        } catch {
            statistics.firewallFailures += 1
            logger.error("re-creating the ruleset failed", metadata: ["error": "\(error)"])
        }
    }

    /// Repairs when the ruleset is found missing now (after a change notification).
    public func checkRuleset(trigger: String) async {
        do {
            try await firewall.verify()
        } catch where error.code == .rulesetMissing {
            await repairRuleset(trigger: trigger)
        } catch {
            logger.warning("ruleset check failed", metadata: ["error": "\(error)"])
        }
    }
}
