import GRDB
import KobraKaiAddress
import KobraKaiCore

/// The event and ban history behind `kobrakai report`: written with the engine's own transactions,
/// recorded for bans made elsewhere (CrowdSec's bouncer, feeds), pruned by age and capped by rows.
extension StateStore {
    /// Name of the counter of event rows deleted by the row cap before their retention ended.
    static let eventsDroppedCounter = "events_dropped_by_cap"
    static let bansDroppedCounter = "ban_history_dropped_by_cap"

    /// Records bans applied by something other than the engine (CrowdSec's bouncer, APIBan, blocklists) in the
    /// ban history only: they are not the daemon's to restore, and are no offences of its own. One
    /// transaction per call. A ban already recorded for the same target and origin with an expiry within a
    /// few seconds is not recorded twice (a bouncer re-applies every active decision after each restart).
    public func recordBanHistory(_ bans: [BanRecord]) async throws {
        guard !bans.isEmpty else { return }
        let cap = historyLimits.maximumEvents
        try await pool.write { db in
            let existing = try db.cachedStatement(sql: """
                SELECT 1 FROM ban_history WHERE target = ? AND origin = ? AND expires_at BETWEEN ? AND ? LIMIT 1
                """)
            for ban in bans {
                let expires = ban.expiresAt.millisecondsSinceEpoch
                let arguments: StatementArguments = [ban.target.description, ban.origin, expires - 5_000, expires + 5_000]
                if try Bool.fetchOne(existing, arguments: arguments) == true { continue }
                try Self.insertHistory(ban, db)
            }
            try Self.enforceCap(table: "ban_history", cap, db)
        }
    }

    static func insertHistory(_ ban: BanRecord, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO ban_history (target, reason, origin, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
            """).execute(arguments: [ban.target.description, ban.reason, ban.origin,
                                     ban.createdAt.millisecondsSinceEpoch, ban.expiresAt.millisecondsSinceEpoch])
    }

    /// Deletes the oldest rows of `table` beyond `cap` (a rowid range: ids only grow) and counts them.
    static func enforceCap(table: String, _ cap: Int, _ db: Database) throws {
        guard let newest = try Int64.fetchOne(db, sql: "SELECT max(id) FROM \(table)") else { return }
        let cutoff = newest - Int64(cap)
        guard cutoff > 0 else { return }
        try db.execute(sql: "DELETE FROM \(table) WHERE id <= ?", arguments: [cutoff])
        let dropped = db.changesCount
        guard dropped > 0 else { return }
        try db.execute(
            sql: """
                INSERT INTO history_counter (name, value) VALUES (?, ?)
                ON CONFLICT(name) DO UPDATE SET value = value + excluded.value
                """,
            arguments: [table == "event" ? eventsDroppedCounter : bansDroppedCounter, dropped])
    }

    /// Deletes events and ban history older than the retention.
    /// - Returns: how many event and ban-history rows were removed.
    @discardableResult
    public func pruneHistory(now: Timestamp) async throws -> (events: Int, bans: Int) {
        let cutoff = (now - historyLimits.retention).millisecondsSinceEpoch
        return try await pool.write { db in
            try db.execute(sql: "DELETE FROM event WHERE at < ?", arguments: [cutoff])
            let events = db.changesCount
            // A ban leaves the history once it has both started and ended before the cutoff.
            try db.execute(sql: "DELETE FROM ban_history WHERE created_at < ? AND expires_at < ?", arguments: [cutoff, cutoff])
            return (events, db.changesCount)
        }
    }

    /// Every ban-history row, oldest first (tests and tools; reports aggregate in SQL).
    public func banHistory() async throws -> [BanRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM ban_history ORDER BY id").compactMap { row in
                guard let target = IPPrefix(row["target"] as String) else { return nil }
                return BanRecord(target: target, expiresAt: Timestamp(millisecondsSinceEpoch: row["expires_at"]),
                                 reason: row["reason"], origin: row["origin"],
                                 createdAt: Timestamp(millisecondsSinceEpoch: row["created_at"]))
            }
        }
    }

    /// Stored events, oldest first.
    public func events() async throws -> [StoredEvent] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM event ORDER BY id").map { row in
                StoredEvent(at: Timestamp(millisecondsSinceEpoch: row["at"]), address: row["address"], rule: row["rule"],
                            service: row["service"], origin: row["origin"], account: row["account"])
            }
        }
    }

    /// Event rows deleted by the row cap so far.
    public func eventsDroppedByCap() async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT value FROM history_counter WHERE name = ?", arguments: [Self.eventsDroppedCounter]) ?? 0
        }
    }
}
