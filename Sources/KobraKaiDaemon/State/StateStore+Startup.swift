import GRDB
import KobraKaiAddress
import KobraKaiCore

/// The reads a start-up makes over every stored ban and offender (tens of thousands after a flood).
///
/// They walk a cursor, one row at a time, instead of `fetchAll`: a `Row` per ban alive at once, then a
/// record per ban beside it, cost about 20 MB for 63,500 bans and set the daemon's peak memory after
/// every restart (docs/torture.md, "Peak memory").
extension StateStore {
    /// Folds every ban still running at `now` into `initial`, soonest expiry first, reading one row at a
    /// time: the caller keeps only what it builds (the engine's compact ban mirror).
    public func reduceUnexpiredBans<Result: Sendable>(
        now: Timestamp, into initial: Result, _ update: @escaping @Sendable (inout Result, BanRecord) -> Void
    ) async throws -> Result {
        try await pool.read { db in
            var result = initial
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM ban WHERE expires_at > ? ORDER BY expires_at, target",
                                           arguments: [now.millisecondsSinceEpoch])
            while let row = try rows.next() {
                if let record = Self.banRecord(row) { update(&result, record) }
            }
            return result
        }
    }

    /// The offender history as the policy takes it back at start, oldest ban first. A target whose ban row
    /// is gone (lifted by an operator, or pruned) or expired is not "banned until" anything: its events
    /// count again, its offences still escalate. One query (the ban row joined by its primary key), read
    /// one row at a time.
    public func offenderHistory(now: Timestamp) async throws -> [OffenderRecord] {
        try await pool.read { db in
            var records: [OffenderRecord] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT offender.target, offender.offence_count, offender.last_ban_at, offender.last_ban_ms,
                       ban.expires_at > ? AS ban_in_force
                FROM offender LEFT JOIN ban ON ban.target = offender.target
                ORDER BY offender.last_ban_at, offender.target
                """, arguments: [now.millisecondsSinceEpoch])
            while let row = try rows.next() {
                guard let target = IPPrefix(row["target"] as String) else { continue }
                let lastBan = Timestamp(millisecondsSinceEpoch: row["last_ban_at"])
                let inForce = (row["ban_in_force"] as Bool?) ?? false
                records.append(OffenderRecord(
                    target: target, offences: row["offence_count"], lastBan: lastBan,
                    bannedUntil: inForce ? lastBan + .milliseconds(row["last_ban_ms"] as Int64) : lastBan))
            }
            return records
        }
    }
}
