import KobraKaiAddress
import KobraKaiCore
import KobraKaiFirewall

extension BanEngine {
    /// The origin recorded for a ban found in the kernel at start but not in the state store: the store cannot
    /// tell whether the policy (log, AMI) or an operator (`kkset add`) made it.
    static let adoptedOrigin = "adopted"

    /// Comments of bans whose services own them and apply them again themselves (the CrowdSec bouncer's full
    /// pull, APIBAN's import, the blocklists' reading): adopting them would keep a ban their owner withdrew.
    static func isFeedOwned(comment: String) -> Bool {
        comment.hasPrefix("crowdsec:") || comment == "apiban" || comment.hasPrefix("blocklist:")
    }

    /// Adopts the kernel's bans that the mirror (just loaded from the store) lacks or holds with an earlier
    /// expiry: into the state store and the mirror, with their remaining time.
    ///
    /// The engine applies a flush's bans to the kernel first and records them a moment later (the writer is
    /// asynchronous, so a ban never waits for SQLite): a `kill -9` in between leaves bans only the kernel
    /// knows, and the first ruleset repair, which restores from the mirror, would drop them although
    /// their time had not run out. Operator bans made with `kkset add` are adopted too, deliberately: they
    /// are bans in our sets that no one else puts back after `nft flush ruleset`.
    ///
    /// Never adopted: feed-owned bans, permanent elements (the store holds expiring bans only), and targets
    /// the allowlist covers now (it may have changed while the daemon was down).
    /// A failed listing (the ruleset missing at start, for instance) adopts nothing: start-up goes on.
    /// Compared against the compact mirror, not a table of the stored rows: that table alone cost 21 MB
    /// for 63,500 bans at every restart.
    func adoptKernelBans(at current: Timestamp) async {
        let entries: [BanEntry]
        do {
            entries = try await firewall.list()
        } catch {
            if error.code != .rulesetMissing {
                logger.warning("could not list the kernel's bans to adopt those the store lacks", metadata: ["error": "\(error)"])
            }
            return
        }
        var adopted: [BanRecord] = []
        for entry in entries {
            guard let left = entry.expiresIn, left > .zero else { continue }
            if let comment = entry.comment, Self.isFeedOwned(comment: comment) { continue }
            let expiresAt = current + left
            // A stored row that ends within a second of the kernel's element is the same ban (its expiry was
            // computed just before the kernel transaction); a later kernel expiry is a re-ban (an escalation)
            // whose row was lost in the same window.
            let known = activeBans.record(for: entry.target)
            if let known, expiresAt <= known.expiresAt + .seconds(1) { continue }
            if let covering = allowlist.entry(overlapping: entry.target) {
                logger.warning("not adopting an allowlisted kernel ban", metadata: ["target": "\(entry.target)", "allowlist": "\(covering)"])
                continue
            }
            // A re-ban of a stored target keeps the row's origin: the same source banned it again.
            adopted.append(BanRecord(target: entry.target, expiresAt: expiresAt, reason: entry.comment ?? known?.reason ?? "found in the kernel",
                                     origin: known?.origin ?? Self.adoptedOrigin, createdAt: current))
        }
        guard !adopted.isEmpty else { return }
        for record in adopted { activeBans.insert(record) }
        do {
            // Not an offence: the policy did not see this ban happen (and `kkset add` bans are none).
            try await store.recordBans(adopted, countAsOffences: false)
        } catch {
            // Still adopted in memory: repairs during this run keep them; a later restart may lose them again.
            logger.error("could not record adopted kernel bans", metadata: ["count": "\(adopted.count)", "error": "\(error)"])
        }
        logger.notice("adopted kernel bans the state store lacked", metadata: ["count": "\(adopted.count)"])
    }
}
