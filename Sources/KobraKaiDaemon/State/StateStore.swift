#if canImport(Glibc)
import Glibc
#endif
import GRDB
import KobraKaiAddress
import KobraKaiCore

/// The daemon's persistent state: an SQLite database (WAL mode) in the state directory holding bans with
/// their expiry, the offender history and the log positions.
///
/// The kernel set is what enforces bans; this database is what lets the daemon put them back after a
/// reboot, an `nft flush ruleset` or a restart, with their remaining time, in one batch. Every write is one
/// transaction; WAL with `synchronous=NORMAL` survives a crash of the process without corruption (a power
/// cut may lose the last transactions, never the file).
public final class StateStore: Sendable {
    /// Where systemd's StateDirectory=kobrakai puts it.
    public static let defaultDirectory = "/var/lib/kobrakai"

    /// The file name inside the state directory.
    public static let fileName = "kobrakai.sqlite"

    public let databasePath: String
    let pool: DatabasePool
    /// Retention and row cap of the event and ban history.
    public let historyLimits: HistoryLimits

    /// Opens (creating if needed, mode 0700) `directory` and the database in it, and migrates it.
    /// - Throws: `SystemCallError` when the directory cannot be created, GRDB's `DatabaseError` when the
    ///   file is not a usable database.
    public convenience init(directory: String, historyLimits: HistoryLimits = HistoryLimits()) throws {
        if mkdir(directory, 0o700) != 0, errno != EEXIST { throw SystemCallError.current("mkdir \(directory)") }
        try self.init(databasePath: directory + "/" + Self.fileName, historyLimits: historyLimits)
    }

    public init(databasePath: String, historyLimits: HistoryLimits = HistoryLimits()) throws {
        self.databasePath = databasePath
        self.historyLimits = historyLimits
        var configuration = GRDB.Configuration()
        configuration.label = "kobrakai.state"
        // Another process (kkset, a second daemon by mistake) holding the lock: wait rather than fail at once.
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        pool = try DatabasePool(path: databasePath, configuration: configuration)
        try StateSchema.migrator.migrate(pool)
    }

    // MARK: Writing

    /// Applies `changes` in one transaction.
    public func apply(_ changes: StateChanges) async throws {
        try await apply([changes])
    }

    /// Applies several changes, in order, in ONE transaction: the engine's writer hands over everything
    /// that piled up while the previous transaction ran, so a flood costs a few commits a second, not one
    /// per flush. Events beyond the row cap delete the oldest ones in the same transaction.
    public func apply(_ batch: [StateChanges]) async throws {
        guard batch.contains(where: { !$0.isEmpty }) else { return }
        let limits = historyLimits
        try await pool.write { db in
            for changes in batch where !changes.isEmpty { try Self.write(changes, to: db) }
            if batch.contains(where: { !$0.events.isEmpty }) { try Self.enforceCap(table: "event", limits.maximumEvents, db) }
            if batch.contains(where: { !$0.bans.isEmpty }) { try Self.enforceCap(table: "ban_history", limits.maximumEvents, db) }
        }
    }

    private static func write(_ changes: StateChanges, to db: Database) throws {
        for ban in changes.bans {
            try db.cachedStatement(sql: """
                INSERT INTO ban (target, expires_at, reason, origin, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(target) DO UPDATE SET expires_at = excluded.expires_at,
                    reason = excluded.reason, origin = excluded.origin
                """).execute(arguments: [ban.target.description, ban.expiresAt.millisecondsSinceEpoch, ban.reason,
                                         ban.origin, ban.createdAt.millisecondsSinceEpoch])
            try insertHistory(ban, db)
            if changes.countAsOffences {
                try db.cachedStatement(sql: """
                    INSERT INTO offender (target, offence_count, last_ban_at, last_ban_ms) VALUES (?, 1, ?, ?)
                    ON CONFLICT(target) DO UPDATE SET offence_count = offence_count + 1,
                        last_ban_at = excluded.last_ban_at, last_ban_ms = excluded.last_ban_ms
                    """).execute(arguments: [ban.target.description, ban.createdAt.millisecondsSinceEpoch,
                                             ban.expiresAt.since(ban.createdAt).milliseconds])
            }
        }
        for target in changes.removedTargets {
            try db.execute(sql: "DELETE FROM ban WHERE target = ?", arguments: [target.description])
        }
        let savedAt = Timestamp.wallClock().millisecondsSinceEpoch
        for (path, position) in changes.positions {
            try db.execute(
                sql: """
                    INSERT INTO log_position (path, device, inode, offset, saved_at, tail_hash) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(path) DO UPDATE SET device = excluded.device, inode = excluded.inode,
                        offset = excluded.offset, saved_at = excluded.saved_at, tail_hash = excluded.tail_hash
                    """,
                arguments: [path, Int64(bitPattern: position.identity.device),
                            Int64(bitPattern: position.identity.inode), position.offset, savedAt,
                            position.tailHash.map { Int64(bitPattern: $0) }])
        }
        if !changes.events.isEmpty {
            let insert = try db.cachedStatement(
                sql: "INSERT INTO event (at, address, rule, service, origin, account) VALUES (?, ?, ?, ?, ?, ?)")
            for event in changes.events {
                try insert.execute(arguments: [event.at.millisecondsSinceEpoch, event.address, event.rule, event.service,
                                               event.origin, event.account])
            }
        }
    }

    public func recordBans(_ bans: [BanRecord], countAsOffences: Bool = true) async throws {
        try await apply(StateChanges(bans: bans, countAsOffences: countAsOffences))
    }

    public func removeBans(_ targets: [IPPrefix]) async throws {
        try await apply(StateChanges(removedTargets: targets))
    }

    public func savePosition(_ position: FilePosition, for path: String) async throws {
        try await apply(StateChanges(positions: [path: position]))
    }

    /// Deletes bans expired at `now` and offenders whose last ban is older than `offenderRetention`.
    /// - Returns: how many ban and offender rows were removed.
    @discardableResult
    public func pruneExpired(now: Timestamp, offenderRetention: Duration) async throws -> (bans: Int, offenders: Int) {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM ban WHERE expires_at <= ?", arguments: [now.millisecondsSinceEpoch])
            let bans = db.changesCount
            try db.execute(sql: "DELETE FROM offender WHERE last_ban_at < ?",
                           arguments: [(now - offenderRetention).millisecondsSinceEpoch])
            return (bans, db.changesCount)
        }
    }

    // MARK: Reading

    /// Every ban still running at `now`, soonest expiry first: what a restore re-applies.
    public func unexpiredBans(now: Timestamp) async throws -> [BanRecord] {
        try await reduceUnexpiredBans(now: now, into: []) { $0.append($1) }
    }

    public func ban(for target: IPPrefix) async throws -> BanRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM ban WHERE target = ?", arguments: [target.description])
                .flatMap(Self.banRecord)
        }
    }

    public func offender(_ target: IPPrefix) async throws -> StoredOffender? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM offender WHERE target = ?", arguments: [target.description])
                .flatMap(Self.offenderRecord)
        }
    }

    private static func offenderRecord(_ row: Row) -> StoredOffender? {
        guard let target = IPPrefix(row["target"] as String) else { return nil }
        return StoredOffender(
            target: target, offenceCount: row["offence_count"],
            lastBanAt: Timestamp(millisecondsSinceEpoch: row["last_ban_at"]),
            lastBanDuration: .milliseconds(row["last_ban_ms"] as Int64))
    }

    public func position(for path: String) async throws -> FilePosition? {
        try await storedPosition(for: path)?.position
    }

    /// The saved position of `path` and when it was saved (nil for a row written before schema v4).
    public func storedPosition(for path: String) async throws -> StoredPosition? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM log_position WHERE path = ?", arguments: [path])
            else { return nil }
            let identity = FileIdentity(device: UInt64(bitPattern: row["device"]), inode: UInt64(bitPattern: row["inode"]))
            let savedAt = (row["saved_at"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:))
            let tailHash = (row["tail_hash"] as Int64?).map { UInt64(bitPattern: $0) }
            return StoredPosition(position: FilePosition(identity: identity, offset: row["offset"], tailHash: tailHash),
                                  savedAt: savedAt)
        }
    }

    /// A row whose target no longer parses (hand-edited file) is skipped rather than failing a restore.
    static func banRecord(_ row: Row) -> BanRecord? {
        guard let target = IPPrefix(row["target"] as String) else { return nil }
        return BanRecord(
            target: target, expiresAt: Timestamp(millisecondsSinceEpoch: row["expires_at"]),
            reason: row["reason"], origin: row["origin"],
            createdAt: Timestamp(millisecondsSinceEpoch: row["created_at"]))
    }
}
