import KobraKaiAddress
import KobraKaiCore
import KobraKaiFirewall

extension BanEngine {
    /// Why an operator's ban was not applied.
    public enum OperatorBanOutcome: Hashable, Sendable {
        case banned
        case refusedByAllowlist(IPPrefix)
        case rejected(FirewallError)
    }

    /// Bans at once (not at the next tick) on an operator's request. Recorded with origin `operator` and not
    /// counted as an offence. The allowlist still wins: banning an office by typo is worse than a refusal.
    public func operatorBan(_ target: IPPrefix, duration: Duration, reason: String) async throws(FirewallError) -> OperatorBanOutcome {
        if let entry = allowlist.entry(overlapping: target) { return .refusedByAllowlist(entry) }
        let request = BanRequest(target: target, timeout: duration, comment: reason)
        statistics.transactions += 1
        if let rejection = try await firewall.ban([request]).first { return .rejected(rejection.error) }
        statistics.bansApplied += 1
        metrics.recordBan(rule: nil, origin: "operator")
        let current = now()
        let record = BanRecord(target: target, expiresAt: current + duration, reason: reason, origin: "operator", createdAt: current)
        try? await store.recordBans([record], countAsOffences: false)
        onBansApplied?([record])
        activeBans.insert(record)
        recentBans.append(record)
        logger.notice("banned by operator", metadata: ["target": "\(target)", "for": "\(DurationText.format(duration))"])
        return .banned
    }

    /// Lifts bans in the firewall and forgets them in the store, so a restore does not bring them back.
    /// The policy counts new events from them again; their offence count stays (a relapse bans longer).
    public func operatorUnban(_ targets: [IPPrefix]) async throws(FirewallError) {
        try await firewall.unban(targets)
        try? await store.removeBans(targets)
        activeBans.remove(targets)
        let current = now()
        for target in targets { policy.release(target, now: current) }
        onBansLifted?(targets)
        logger.notice("unbanned by operator", metadata: ["targets": "\(targets.map(\.description))"])
    }

    /// A reload: the new allowlist and policy configuration take effect at once; bans in force that the new
    /// allowlist covers are lifted. Returns the lifted targets.
    public func reload(policy replacement: any BanDeciding, allowlist: ProtectedAddresses) async -> [IPPrefix] {
        self.allowlist = allowlist
        var lifted = policy.adopt(replacement, now: now())
        // Bans recorded by earlier runs (or by operators) are not all known to the policy: check the store.
        let stored = (try? await store.unexpiredBans(now: now())) ?? []
        lifted += stored.map(\.target).filter { allowlist.entry(overlapping: $0) != nil && !lifted.contains($0) }
        guard !lifted.isEmpty else { return [] }
        do {
            try await firewall.unban(lifted)
            try? await store.removeBans(lifted)
            activeBans.remove(lifted)
            onBansLifted?(lifted)
            logger.notice("lifted bans now covered by the allowlist", metadata: ["targets": "\(lifted.map(\.description))"])
        } catch {
            logger.error("could not lift allowlisted bans", metadata: ["error": "\(error)"])
        }
        return lifted
    }

    /// The allowlist entry covering `target`, if any (for `test-ip`).
    public func allowlistEntry(overlapping target: IPPrefix) -> IPPrefix? { allowlist.entry(overlapping: target) }

    /// Those of `targets` that overlap the allowlist or the host's own addresses: one call for a whole
    /// feed pull instead of one hop onto the engine per target.
    public func allowlisted(among targets: [IPPrefix]) -> Set<IPPrefix> {
        Set(targets.filter { allowlist.entry(overlapping: $0) != nil })
    }
}
