#if canImport(Glibc)
import Glibc
#endif
import GRDB
import KobraKaiAddress
import KobraKaiCore

/// Computes a `StateReport` from a state database opened READ-ONLY: it works with the daemon running (WAL
/// readers never block its writer) or stopped, and never changes the file.
public enum StateReportReader {
    /// Windows longer than this are charted per day instead of per hour (a terminal has ~50 lines).
    static let hourlyLimit: Duration = .seconds(72 * 3600)

    /// - Parameters:
    ///   - since: how far back the window reaches from `now`.
    ///   - top: rows per ranking.
    /// - Throws: `StateReportError` (66 missing, 77 permission, 65 not a KobraKai state database).
    public static func read(databasePath: String, since: Duration, top: Int, now: Timestamp) throws(StateReportError) -> StateReport {
        let queue = try open(databasePath)
        do {
            return try queue.read { db in
                guard try db.tableExists("event"), try db.tableExists("ban_history") else {
                    throw StateReportError(
                        "\(databasePath) has no event history yet (written by an older kobrakai): start the daemon once to migrate it",
                        exitCode: 65)
                }
                return try compute(db, since: since, top: max(1, top), now: now)
            }
        } catch let error as StateReportError {
            throw error
        } catch {
            throw StateReportError("\(databasePath) is not a readable KobraKai state database: \(error)", exitCode: 65)
        }
    }

    private static func open(_ path: String) throws(StateReportError) -> DatabaseQueue {
        // SQLite would report a missing file as a generic "unable to open"; say which and why.
        if access(path, F_OK) != 0, errno != EACCES {
            throw StateReportError("no state database at \(path) (see state_directory in the configuration, or --state)", exitCode: 66)
        }
        // A file in a directory we may not enter (the state directory is 0700 root) fails F_OK with EACCES too.
        if access(path, R_OK) != 0 {
            throw StateReportError("cannot read \(path): permission denied (run as root)", exitCode: 77)
        }
        var configuration = GRDB.Configuration()
        configuration.readonly = true
        configuration.label = "kobrakai.report"
        configuration.busyMode = .timeout(5)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            _ = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
            return queue
        } catch {
            throw StateReportError("\(path) is not a readable KobraKai state database: \(error)", exitCode: 65)
        }
    }

    private static func compute(_ db: Database, since: Duration, top: Int, now: Timestamp) throws -> StateReport {
        let start = now - since
        let window: StatementArguments = [start.millisecondsSinceEpoch, now.millisecondsSinceEpoch]
        let inWindow = "at >= ? AND at <= ?"

        var perAddress: [StateReport.Tally] = []
        for row in try Row.fetchAll(db, sql: """
            SELECT address, count(*) AS n, max(at) AS last FROM event WHERE \(inWindow) GROUP BY address
            """, arguments: window)
        {
            perAddress.append(StateReport.Tally(key: row["address"], count: row["n"], lastSeen: Timestamp(millisecondsSinceEpoch: row["last"])))
        }
        let totalEvents = perAddress.reduce(0) { $0 + $1.count }

        let accounts = try Row.fetchAll(db, sql: """
            SELECT account, count(*) AS n, count(DISTINCT address) AS sources, max(at) AS last FROM event
            WHERE \(inWindow) AND account IS NOT NULL AND account != '' GROUP BY account ORDER BY n DESC, account LIMIT ?
            """, arguments: window + [top]).map {
            StateReport.Tally(key: $0["account"], count: $0["n"], addresses: $0["sources"], lastSeen: Timestamp(millisecondsSinceEpoch: $0["last"]))
        }
        let rules = try tallies(db, sql: """
            SELECT rule AS key, count(*) AS n FROM event WHERE \(inWindow) GROUP BY rule ORDER BY n DESC, rule LIMIT ?
            """, arguments: window + [top])

        let bansWindow = "created_at >= ? AND created_at <= ?"
        let totalBans = try Int.fetchOne(db, sql: "SELECT count(*) FROM ban_history WHERE \(bansWindow)", arguments: window) ?? 0
        let reasons = try tallies(db, sql: """
            SELECT reason AS key, count(*) AS n FROM ban_history WHERE \(bansWindow) GROUP BY reason ORDER BY n DESC, reason LIMIT ?
            """, arguments: window + [top])
        let origins = try tallies(db, sql: """
            SELECT origin AS key, count(*) AS n FROM ban_history WHERE \(bansWindow) GROUP BY origin ORDER BY n DESC, origin
            """, arguments: window)

        let width: Duration = since > hourlyLimit ? .seconds(86_400) : .seconds(3600)
        let widthMilliseconds = width.milliseconds
        var counts: [Int64: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT at / ? AS slot, count(*) AS n FROM event WHERE \(inWindow) GROUP BY slot
            """, arguments: [widthMilliseconds] + window)
        {
            counts[row["slot"]] = row["n"]
        }
        let firstSlot = start.millisecondsSinceEpoch / widthMilliseconds
        let lastSlot = now.millisecondsSinceEpoch / widthMilliseconds
        let buckets = (firstSlot...max(firstSlot, lastSlot)).map {
            StateReport.Bucket(start: Timestamp(millisecondsSinceEpoch: $0 * widthMilliseconds), events: counts[$0] ?? 0)
        }
        let dropped = try Int.fetchOne(db, sql: "SELECT value FROM history_counter WHERE name = ?",
                                       arguments: [StateStore.eventsDroppedCounter]) ?? 0

        return StateReport(
            windowStart: start, windowEnd: now, totalEvents: totalEvents, distinctAddresses: perAddress.count, totalBans: totalBans,
            topAddresses: Array(perAddress.sorted(by: Self.ranked).prefix(top)),
            topPrefixes: Array(prefixTallies(perAddress).sorted(by: Self.ranked).prefix(top)),
            topAccounts: accounts, topRules: rules, bansByReason: reasons, bansByOrigin: origins,
            bucketWidth: width, buckets: buckets, eventsDroppedByCap: dropped)
    }

    private static func tallies(_ db: Database, sql: String, arguments: StatementArguments) throws -> [StateReport.Tally] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map { StateReport.Tally(key: $0["key"], count: $0["n"]) }
    }

    /// Most first; ties by key so the output is stable.
    private static func ranked(_ left: StateReport.Tally, _ right: StateReport.Tally) -> Bool {
        left.count != right.count ? left.count > right.count : left.key < right.key
    }

    /// IPv4 addresses by /24 and IPv6 by /64: the blocks a provider hands to one customer, where a botnet's
    /// neighbours (and `policy.subnet` escalation) show up.
    static func prefixTallies(_ perAddress: [StateReport.Tally]) -> [StateReport.Tally] {
        var byPrefix: [IPPrefix: StateReport.Tally] = [:]
        for tally in perAddress {
            guard let address = try? IPAddress(parsing: tally.key) else { continue }
            let prefix = IPPrefix(address: address, length: address.isIPv4 ? 24 : 64)
            var entry = byPrefix[prefix] ?? StateReport.Tally(key: prefix.description, count: 0, addresses: 0)
            entry.count += tally.count
            entry.addresses = (entry.addresses ?? 0) + 1
            if let seen = tally.lastSeen, seen > (entry.lastSeen ?? seen - .milliseconds(1)) { entry.lastSeen = seen }
            byPrefix[prefix] = entry
        }
        return Array(byPrefix.values)
    }
}
