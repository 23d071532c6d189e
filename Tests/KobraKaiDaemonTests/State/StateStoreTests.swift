import Foundation
import KobraKaiAddress
import KobraKaiCore
import KobraKaiDaemon
import Testing

@Suite("StateStore")
struct StateStoreTests {
    static let now = Timestamp(secondsSinceEpoch: 1_800_000_000)

    static func ban(_ target: String, expiresIn: Duration, reason: String = "rule x 5/60s") -> BanRecord {
        BanRecord(target: IPPrefix(target)!, expiresAt: now + expiresIn, reason: reason, origin: "log", createdAt: now)
    }

    @Test("bans survive a restart; only unexpired ones come back, soonest expiry first")
    func bansSurviveRestart() async throws {
        let directory = try TemporaryDirectory()
        let stateDirectory = directory.file("state")
        do {
            let store = try StateStore(directory: stateDirectory)
            try await store.recordBans([
                Self.ban("192.0.2.7", expiresIn: .seconds(3600)),
                Self.ban("2001:db8::/64", expiresIn: .seconds(60)),
                Self.ban("198.51.100.1", expiresIn: .seconds(-1)),
            ])
        }
        var info = stat()
        #expect(stat(stateDirectory, &info) == 0 && info.st_mode & 0o777 == 0o700)
        let reopened = try StateStore(directory: stateDirectory)
        let bans = try await reopened.unexpiredBans(now: Self.now)
        #expect(bans.map(\.target.description) == ["2001:db8::/64", "192.0.2.7"])
        #expect(bans[1].remaining(at: Self.now) == .seconds(3600))
        #expect(bans[1].reason == "rule x 5/60s" && bans[1].origin == "log")
    }

    @Test("a refreshed ban replaces the expiry, and each counted ban adds to the offender history")
    func refreshAndOffenders() async throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        try await store.recordBans([Self.ban("192.0.2.7", expiresIn: .seconds(60))])
        try await store.recordBans([Self.ban("192.0.2.7", expiresIn: .seconds(600), reason: "second")])
        try await store.recordBans([Self.ban("192.0.2.7", expiresIn: .seconds(900))], countAsOffences: false)
        let ban = try #require(try await store.ban(for: IPPrefix("192.0.2.7")!))
        #expect(ban.remaining(at: Self.now) == .seconds(900))
        let offender = try #require(try await store.offender(IPPrefix("192.0.2.7")!))
        #expect(offender.offenceCount == 2)
        #expect(offender.lastBanDuration == .seconds(600))
        #expect(try await store.offender(IPPrefix("192.0.2.8")!) == nil)
    }

    @Test("bans, removals and positions in one change are all written, or none")
    func transactional() async throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        try await store.recordBans([Self.ban("192.0.2.1", expiresIn: .seconds(60))])
        let position = FilePosition(identity: FileIdentity(device: UInt64.max, inode: 42), offset: 1234)
        try await store.apply(StateChanges(
            bans: [Self.ban("192.0.2.2", expiresIn: .seconds(60))], removedTargets: [IPPrefix("192.0.2.1")!],
            positions: ["/var/log/asterisk/security": position]))
        #expect(try await store.unexpiredBans(now: Self.now).map(\.target.description) == ["192.0.2.2"])
        #expect(try await store.position(for: "/var/log/asterisk/security") == position)
        #expect(try await store.position(for: "/var/log/asterisk/messages") == nil)
        // The hash of the bytes before the offset goes through as saved, all 64 bits.
        let hashed = FilePosition(identity: position.identity, offset: 77, tailHash: UInt64.max - 5)
        try await store.savePosition(hashed, for: "/var/log/asterisk/full")
        #expect(try await store.position(for: "/var/log/asterisk/full") == hashed)
        // Saved with the time of the save (the follower compares rotated files with it at start).
        let savedAt = try #require(try await store.storedPosition(for: "/var/log/asterisk/security")?.savedAt)
        let gap = Timestamp.wallClock().since(savedAt)
        #expect(gap >= .zero && gap < .seconds(60))

        // A failing statement rolls the whole change back: make the second ban insert fail with a trigger.
        let sqlite = try SQLiteShell(path: store.databasePath)
        try sqlite.run("CREATE TRIGGER refuse BEFORE INSERT ON ban WHEN NEW.target = '192.0.2.66' BEGIN SELECT RAISE(ABORT, 'refused'); END;")
        await #expect(throws: (any Error).self) {
            try await store.apply(StateChanges(
                bans: [Self.ban("192.0.2.65", expiresIn: .seconds(60)), Self.ban("192.0.2.66", expiresIn: .seconds(60))],
                positions: ["/var/log/asterisk/security": FilePosition(identity: position.identity, offset: 9999)]))
        }
        #expect(try await store.unexpiredBans(now: Self.now).map(\.target.description) == ["192.0.2.2"])
        #expect(try await store.position(for: "/var/log/asterisk/security") == position)
    }

    @Test("pruning removes expired bans and old offenders only")
    func pruning() async throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        try await store.recordBans([Self.ban("192.0.2.1", expiresIn: .seconds(10)), Self.ban("192.0.2.2", expiresIn: .seconds(100))])
        let later = Self.now + .seconds(50)
        let removed = try await store.pruneExpired(now: later, offenderRetention: .seconds(3600))
        #expect(removed.bans == 1 && removed.offenders == 0)
        #expect(try await store.unexpiredBans(now: Self.now).map(\.target.description) == ["192.0.2.2"])
        let muchLater = Self.now + .seconds(7200)
        #expect(try await store.pruneExpired(now: muchLater, offenderRetention: .seconds(3600)) == (1, 2))
        #expect(try await store.offender(IPPrefix("192.0.2.1")!) == nil)
    }

    @Test("a committed write is visible to another process while the writer is still open (crash-safe WAL)")
    func visibleToAnotherProcess() async throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        try await store.recordBans([Self.ban("203.0.113.9", expiresIn: .seconds(60))])
        try await store.savePosition(FilePosition(identity: FileIdentity(device: 1, inode: 2), offset: 77), for: "/log")
        // The writer is never closed: the other process sees what a crash would leave behind.
        let sqlite = try SQLiteShell(path: store.databasePath)
        #expect(try sqlite.run("SELECT target FROM ban; SELECT offset FROM log_position;") == "203.0.113.9\n77\n")
        #expect(try sqlite.run("PRAGMA journal_mode;") == "wal\n")
        // And a second store on the same file, as a restarted daemon would open it, reads the same.
        let second = try StateStore(directory: directory.path)
        #expect(try await second.unexpiredBans(now: Self.now).count == 1)
    }

    @Test("a file that is not a database is a clear error")
    func corruptFile() async throws {
        let directory = try TemporaryDirectory()
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: directory.file(StateStore.fileName)))
        #expect(throws: (any Error).self) { _ = try StateStore(directory: directory.path) }
    }
}
