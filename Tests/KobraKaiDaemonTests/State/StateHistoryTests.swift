import KobraKaiAddress
import KobraKaiCore
import KobraKaiDaemon
import KobraKaiFirewall
import Testing

@Suite("State store event and ban history")
struct StateHistoryTests {
    static let now = Timestamp(secondsSinceEpoch: 1_800_000_000)

    static func event(_ address: String, at time: Timestamp = now, account: String? = nil) -> StoredEvent {
        StoredEvent(at: time, address: address, rule: "pjsip.invalid_password", service: "PJSIP", origin: "log", account: account)
    }

    static func ban(_ target: String, origin: String = "log", createdAt: Timestamp = now, lasting: Duration = .seconds(600)) -> BanRecord {
        BanRecord(target: IPPrefix(target)!, expiresAt: createdAt + lasting, reason: "rule x5 in 60s", origin: origin, createdAt: createdAt)
    }

    @Test("every ban applied joins the ban history and stays there after it is lifted and pruned as expired")
    func banHistoryOutlivesBans() async throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        try await store.recordBans([Self.ban("192.0.2.7")])
        try await store.recordBans([Self.ban("192.0.2.7", lasting: .seconds(1200))], countAsOffences: false)
        try await store.removeBans([IPPrefix("192.0.2.7")!])
        try await store.pruneExpired(now: Self.now + .seconds(7200), offenderRetention: .seconds(60))
        let history = try await store.banHistory()
        #expect(history.map(\.target.description) == ["192.0.2.7", "192.0.2.7"])
        #expect(history.map { $0.expiresAt.since($0.createdAt) } == [.seconds(600), .seconds(1200)])
        #expect(try await store.unexpiredBans(now: Self.now).isEmpty)
    }

    @Test("bans made elsewhere are recorded once per decision, not again when a bouncer re-applies them")
    func externalHistoryDeduplicated() async throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        try await store.recordBanHistory([Self.ban("203.0.113.9", origin: "crowdsec")])
        // The same decision re-applied after a restart: its expiry computed again a second later.
        try await store.recordBanHistory([Self.ban("203.0.113.9", origin: "crowdsec", createdAt: Self.now + .seconds(1), lasting: .seconds(599))])
        try await store.recordBanHistory([Self.ban("203.0.113.9", origin: "crowdsec", lasting: .seconds(3600))])
        let history = try await store.banHistory()
        #expect(history.count == 2)
        #expect(history.allSatisfy { $0.origin == "crowdsec" })
        // Not the daemon's to restore.
        #expect(try await store.unexpiredBans(now: Self.now).isEmpty)
    }

    @Test("the row cap deletes the oldest events first and counts them")
    func rowCap() async throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path, historyLimits: HistoryLimits(maximumEvents: 100))
        for batch in 0..<5 {
            let events = (0..<30).map { Self.event("198.51.100.\(batch * 30 + $0 % 30 + 1)") }
            try await store.apply(StateChanges(events: events))
        }
        let kept = try await store.events()
        #expect(kept.count == 100)
        #expect(kept.first?.address == "198.51.100.51")
        #expect(kept.last?.address == "198.51.100.150")
        #expect(try await store.eventsDroppedByCap() == 50)
    }

    @Test("pruning removes events and finished bans older than the retention, nothing newer")
    func retention() async throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path, historyLimits: HistoryLimits(retention: .seconds(86_400)))
        let old = Self.now - .seconds(2 * 86_400)
        try await store.apply(StateChanges(events: [Self.event("192.0.2.1", at: old), Self.event("192.0.2.2")]))
        try await store.recordBanHistory([
            Self.ban("192.0.2.1", origin: "crowdsec", createdAt: old),
            // Made before the cutoff but still running: kept.
            Self.ban("192.0.2.3", origin: "crowdsec", createdAt: old, lasting: .seconds(7 * 86_400)),
            Self.ban("192.0.2.2", origin: "crowdsec"),
        ])
        let removed = try await store.pruneHistory(now: Self.now)
        #expect(removed.events == 1 && removed.bans == 1)
        #expect(try await store.events().map(\.address) == ["192.0.2.2"])
        #expect(try await store.banHistory().map(\.target.description) == ["192.0.2.3", "192.0.2.2"])
    }

    @Test("a database written by the previous version (v1 only) is reported as such, then migrated in place with its bans")
    func migratesFromV1() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("kobrakai.sqlite")
        try SQLiteShell(path: path).run("""
            PRAGMA journal_mode=WAL;
            CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
            INSERT INTO grdb_migrations VALUES ('v1: bans, offenders, log positions');
            CREATE TABLE ban (target TEXT PRIMARY KEY, expires_at INTEGER NOT NULL, reason TEXT NOT NULL, origin TEXT NOT NULL, created_at INTEGER NOT NULL);
            CREATE TABLE offender (target TEXT PRIMARY KEY, offence_count INTEGER NOT NULL, last_ban_at INTEGER NOT NULL, last_ban_ms INTEGER NOT NULL);
            CREATE TABLE log_position (path TEXT PRIMARY KEY, device INTEGER NOT NULL, inode INTEGER NOT NULL, offset INTEGER NOT NULL);
            INSERT INTO ban VALUES ('192.0.2.9', \(Self.now.millisecondsSinceEpoch + 600_000), 'old', 'log', \(Self.now.millisecondsSinceEpoch));
            """)
        let old = #expect(throws: StateReportError.self) {
            try StateReportReader.read(databasePath: path, since: .seconds(3600), top: 5, now: Self.now)
        }
        #expect(old?.exitCode == 65 && old?.message.contains("no event history yet") == true)
        let store = try StateStore(databasePath: path)
        #expect(try await store.unexpiredBans(now: Self.now).map(\.reason) == ["old"])
        try await store.apply(StateChanges(events: [Self.event("192.0.2.9")]))
        let report = try StateReportReader.read(databasePath: path, since: .seconds(3600), top: 5, now: Self.now)
        #expect(report.totalEvents == 1)
    }

    @Test("account names are kept as data, cut to a bounded length on a character boundary")
    func accountBounded() async throws {
        let long = String(repeating: "é", count: 100)
        let event = StoredEvent(at: Self.now, address: "192.0.2.1", rule: "r", service: "PJSIP", origin: "log", account: long + "\u{1B}[2J")
        #expect(event.account?.utf8.count == StoredEvent.accountLimit)
        #expect(event.account == String(repeating: "é", count: 32))
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        let hostile = "1000\u{1B}]0;pwned\u{07}\u{202E}"
        try await store.apply(StateChanges(events: [Self.event("192.0.2.1", account: hostile)]))
        #expect(try await store.events().first?.account == hostile)
    }

    @Test("an event is stored at its own time, clamped to the receive time")
    func eventTime() {
        let past = SecurityEvent(time: Self.now - .seconds(3600), address: IPAddress("192.0.2.1")!, origin: .logFile, service: .pjsip,
                                 rule: "r", severity: .low, account: nil)
        #expect(StoredEvent(past, receivedAt: Self.now).at == Self.now - .seconds(3600))
        var future = past
        future.time = Self.now + .seconds(86_400)
        #expect(StoredEvent(future, receivedAt: Self.now).at == Self.now)
        future.time = nil
        #expect(StoredEvent(future, receivedAt: Self.now).at == Self.now)
    }

    @Test("the engine writes every observed event with the bans of the same flush")
    func engineWritesEvents() async throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        let (events, input) = AsyncStream<SecurityEvent>.makeStream()
        let policy = CorePolicyAdapter(policy: try BanPolicy(configuration: PolicyConfiguration(), allowlist: Allowlist(prefixes: [])))
        let engine = BanEngine(events: events, policy: policy, firewall: RecordingFirewall(), store: store,
                               allowlist: ProtectedAddresses([]), tick: .zero, now: { Self.now })
        let running = Task { try await engine.run() }
        for index in 1...500 {
            input.yield(SecurityEvent(time: nil, address: IPAddress("203.0.113.\(index % 50 + 1)")!, origin: .ami, service: .ami,
                                      rule: "ami.login.failed", severity: .medium, account: "admin\(index % 7)"))
        }
        // A successful login is no attack: not kept.
        input.yield(SecurityEvent(time: nil, address: IPAddress("192.0.2.10")!, origin: .logFile, service: .pjsip,
                                  rule: "security.successful-auth", severity: .informational, account: "office"))
        input.finish()
        try await running.value
        let stored = try await store.events()
        #expect(stored.count == 500)
        #expect(Set(stored.map(\.origin)) == ["ami"] && Set(stored.compactMap(\.account)).count == 7)
        #expect(stored.allSatisfy { $0.at == Self.now && $0.service == "AMI" })
    }
}
