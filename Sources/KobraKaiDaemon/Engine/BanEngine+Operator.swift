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
    /// counted as an offence. The allowlist still wins: unbanning an office by typo is worse than a refusal.
    public func operatorBan(_ target: IPPrefix, duration: Duration, reason: String) async throws(FirewallError) -> OperatorBanOutcome {
        if let entry = allowlist.entry(overlapping: target) { return .refusedByAllowlist(entry) }
        let request = BanRequest(target: target, timeout: duration, comment: reason)
        statistics.transactions += 1
        if let rejection = try await firewall.ban([request]).first { return .rejected(rejection.error) }
        statistics.bansApplied += 1
        let current = now()
        let record = BanRecord(target: target, expiresAt: current + duration, reason: reason, origin: "operator", createdAt: current)
        try? await store.recordBans([record], countAsOffences: false)
        logger.notice("banned by operator", metadata: ["target": "\(target)", "for": "\(DurationText.format(duration))"])
        return .banned
    }

    /// Lifts bans in the firewall and forgets them in the store, so a restore does not bring them back.
    public func operatorUnban(_ targets: [IPPrefix]) async throws(FirewallError) {
        try await firewall.unban(targets)
        try? await store.removeBans(targets)
        logger.notice("unbanned by operator", metadata: ["targets": "\(targets.map(\.description))"])
    }

    /// The allowlist entry covering `target`, if any (for `test-ip`).
    public func allowlistEntry(overlapping target: IPPrefix) -> IPPrefix? { allowlist.entry(overlapping: target) }
}
