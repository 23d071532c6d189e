import Foundation
import Glibc
import KobraKaiCore
import KobraKaiDaemon
import Testing

@Suite("LogFollower basics")
struct LogFollowerTests {
    @Test("a first run starts at the end: old lines are skipped, new ones delivered with their offsets")
    func startsAtEnd() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("security")
        let writer = try LogWriter(path: path)
        writer.line("old attack")
        let collector = LineCollector()
        try await collector.start(LogFollower(configuration: .init(path: path)))
        try await Task.sleep(for: .milliseconds(100))
        writer.line("new one")
        writer.line("new two")
        let lines = await collector.waitForLines(2)
        #expect(lines == ["new one", "new two"])
        let position = try #require(await collector.lastPosition)
        #expect(position.offset == Int64("old attack\nnew one\nnew two\n".utf8.count))
        _ = try await collector.stop()
    }

    @Test("startPoint .beginning reads what the file already holds")
    func startsAtBeginning() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("messages")
        let writer = try LogWriter(path: path)
        writer.line("first")
        writer.line("second")
        let collector = LineCollector()
        try await collector.start(LogFollower(configuration: .init(path: path, startPoint: .beginning)))
        #expect(await collector.waitForLines(2) == ["first", "second"])
        _ = try await collector.stop()
    }

    @Test("a partial last line is held until its newline arrives")
    func partialLine() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("full")
        let writer = try LogWriter(path: path)
        let collector = LineCollector()
        try await collector.start(LogFollower(configuration: .init(path: path, startPoint: .beginning)))
        writer.line("complete")
        writer.write("half a li")
        #expect(await collector.waitForLines(1) == ["complete"])
        try await Task.sleep(for: .milliseconds(150))
        #expect(await collector.lines == ["complete"])
        let heldPosition = try #require(await collector.lastPosition)
        #expect(heldPosition.offset == Int64("complete\n".utf8.count))
        writer.write("ne\r\nnext\n")
        #expect(await collector.waitForLines(3) == ["complete", "half a line", "next"])
        _ = try await collector.stop()
    }

    @Test("a file missing at start is followed from its first byte once it appears")
    func missingAtStart() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("security")
        let collector = LineCollector()
        try await collector.start(LogFollower(configuration: .init(path: path)))
        try await Task.sleep(for: .milliseconds(100))
        let writer = try LogWriter(path: path)
        writer.line("appeared")
        writer.line("later")
        #expect(await collector.waitForLines(2) == ["appeared", "later"])
        _ = try await collector.stop()
    }

    @Test("a very long line is cut in the middle, keeping both ends; the next line is intact")
    func overlongLine() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("security")
        let writer = try LogWriter(path: path)
        let collector = LineCollector()
        try await collector.start(LogFollower(configuration: .init(path: path, startPoint: .beginning, maxLineLength: 1024)))
        let padding = String(repeating: "A", count: 300_000)
        writer.line("HEAD" + padding + "failed for '203.0.113.9:5060'")
        writer.line("short")
        _ = await collector.waitForLines(2)
        let batches = await collector.batches
        let lines = batches.flatMap(\.lines)
        try #require(lines.count == 2)
        #expect(lines[0].isTruncated)
        #expect(lines[0].text.utf8.count <= 1024 + 3)
        #expect(lines[0].text.hasPrefix("HEAD"))
        #expect(lines[0].text.hasSuffix("failed for '203.0.113.9:5060'"))
        #expect(lines[1] == LogLine(text: "short", endOffset: Int64(300_000 + 4 + 29 + 1 + 6), isTruncated: false))
        _ = try await collector.stop()
    }

    @Test("a saved position resumes exactly after the last processed line; another file is read from 0")
    func resumesFromSavedPosition() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("security")
        let writer = try LogWriter(path: path)
        let first = LineCollector()
        try await first.start(LogFollower(configuration: .init(path: path, startPoint: .beginning)))
        writer.line("one")
        writer.line("two")
        _ = await first.waitForLines(2)
        let saved = try #require(await first.lastPosition)
        _ = try await first.stop()

        writer.line("three (written while stopped)")
        let second = LineCollector()
        try await second.start(LogFollower(configuration: .init(path: path, savedPosition: saved)))
        writer.line("four")
        #expect(await second.waitForLines(2) == ["three (written while stopped)", "four"])
        let savedAfterFour = try #require(await second.lastPosition)
        _ = try await second.stop()

        // Rotated while down: the saved identity no longer matches, so every line of the new file is new.
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        let fresh = try LogWriter(path: path)
        fresh.line("rotated while down")
        let third = LineCollector()
        try await third.start(LogFollower(configuration: .init(path: path, savedPosition: savedAfterFour)))
        #expect(await third.waitForLines(1) == ["rotated while down"])
        _ = try await third.stop()
    }

    /// Found by `make torture`: after a copytruncate while the daemon was down, the same file had been
    /// refilled past the saved offset, and the follower resumed in the middle of the new content.
    @Test("a file truncated and refilled past the saved position while stopped is read from 0")
    func truncatedAndRefilledWhileStopped() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("full")
        let writer = try LogWriter(path: path)
        let first = LineCollector()
        try await first.start(LogFollower(configuration: .init(path: path, startPoint: .beginning)))
        writer.line("old one")
        writer.line("old two")
        _ = await first.waitForLines(2)
        let saved = try #require(await first.lastPosition)
        _ = try await first.stop()

        writer.truncateInPlace()
        let refill = ["new line one, longer than what was there", "new line two", "new line three"]
        for line in refill { writer.line(line) }
        let second = LineCollector()
        try await second.start(LogFollower(configuration: .init(path: path, savedPosition: saved)))
        #expect(await second.waitForLines(3) == refill)
        _ = try await second.stop()
    }

    /// Found by `make torture`: regular lines made a refill's line end land exactly on the saved offset,
    /// so the line-end check took the refilled file for the saved one and 352 flood sources were skipped.
    @Test("a refill with a line end exactly at the saved offset is still read from 0 (the saved bytes differ)")
    func refillAlignedWithSavedOffset() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("full")
        let writer = try LogWriter(path: path)
        let saved = try await positionAfterReading(["aaa", "bbb"], from: writer)
        #expect(saved.offset == 8 && saved.tailHash != nil)

        writer.truncateInPlace()
        let refill = ["ccc", "ddd", "eee"]  // a line end at byte 7 again, other bytes before it
        for line in refill { writer.line(line) }
        #expect(try await linesResumed(from: saved, path: path, count: 3) == refill)
    }

    @Test("lines written before a rotation that happened while stopped are read from path.1 first")
    func resumesRotatedFileWrittenWhileDown() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("security")
        let writer = try LogWriter(path: path)
        let first = LineCollector()
        try await first.start(LogFollower(configuration: .init(path: path, startPoint: .beginning)))
        writer.line("seen")
        _ = await first.waitForLines(1)
        let saved = try #require(await first.lastPosition)
        _ = try await first.stop()

        writer.line("unseen, then rotated")
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try writer.reopen()
        writer.line("in the new file")
        let second = LineCollector()
        try await second.start(LogFollower(configuration: .init(path: path, savedPosition: saved)))
        #expect(await second.waitForLines(2) == ["unseen, then rotated", "in the new file"])
        _ = try await second.stop()
    }

    /// Found by `make torture`: a delete + re-create, a rename 16 ms later and a `kill -9` 1 ms after that.
    /// The saved position still named the deleted file, and the re-created file, renamed to path.1 before
    /// the daemon saved a position in it, was never read.
    @Test("a file created and rotated away after the last saved position, the saved file gone, is read from path.1")
    func readsRotatedFileWrittenAfterSave() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("full")
        let writer = try LogWriter(path: path)
        let saved = try await positionAfterReading(["seen"], from: writer)
        let savedAt = Timestamp.wallClock()
        try await Task.sleep(for: .milliseconds(20))

        try FileManager.default.removeItem(atPath: path)  // delete + re-create
        try writer.reopen()
        writer.line("never saved one")
        writer.line("never saved two")
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")  // then a rename
        try writer.reopen()
        writer.line("in the newest file")
        #expect(try await linesResumed(from: saved, savedAt: savedAt, path: path, count: 3)
            == ["never saved one", "never saved two", "in the newest file"])
    }

    @Test("copytruncate while stopped: the copy's unread tail is read from the saved offset, then the refilled file")
    func copyTruncatedWhileStopped() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("full")
        let writer = try LogWriter(path: path)
        let saved = try await positionAfterReading(["one"], from: writer)
        let savedAt = Timestamp.wallClock()
        try await Task.sleep(for: .milliseconds(20))

        writer.line("two, unread when the copy was made")
        try FileManager.default.copyItem(atPath: path, toPath: path + ".1")
        writer.truncateInPlace()
        writer.line("three")
        #expect(try await linesResumed(from: saved, savedAt: savedAt, path: path, count: 2)
            == ["two, unread when the copy was made", "three"])
    }

    @Test("the saved file gone, a rotated generation older than the saved position is not read again")
    func olderRotatedFileNotReread() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("full")
        let old = try LogWriter(path: path + ".1")
        old.line("an old generation, read long ago")
        try await Task.sleep(for: .milliseconds(20))
        let writer = try LogWriter(path: path)
        let saved = try await positionAfterReading(["seen"], from: writer)
        let savedAt = Timestamp.wallClock()

        try FileManager.default.removeItem(atPath: path)  // deleted and re-created while down
        try writer.reopen()
        writer.line("new")
        let second = LineCollector()
        try await second.start(LogFollower(configuration: .init(path: path, savedPosition: saved, positionSavedAt: savedAt)))
        #expect(await second.waitForLines(1) == ["new"])
        try await Task.sleep(for: .milliseconds(200))
        #expect(await second.lines == ["new"])
        _ = try await second.stop()
    }

    /// A follower reads `lines` written from the start of `writer`'s file, then stops: the position it saved.
    private func positionAfterReading(_ lines: [String], from writer: LogWriter) async throws -> FilePosition {
        let collector = LineCollector()
        try await collector.start(LogFollower(configuration: .init(path: writer.path, startPoint: .beginning)))
        for line in lines { writer.line(line) }
        _ = await collector.waitForLines(lines.count)
        let saved = try #require(await collector.lastPosition)
        _ = try await collector.stop()
        return saved
    }

    /// The first `count` lines a follower started at `saved` hands out.
    private func linesResumed(from saved: FilePosition, savedAt: Timestamp? = nil, path: String, count: Int) async throws -> [String] {
        let collector = LineCollector()
        try await collector.start(LogFollower(configuration: .init(path: path, savedPosition: saved, positionSavedAt: savedAt)))
        let lines = await collector.waitForLines(count)
        _ = try await collector.stop()
        return lines
    }

    @Test("cancellation stops a follower sleeping in the kernel promptly")
    func cancellationIsPrompt() async throws {
        let directory = try TemporaryDirectory()
        let collector = LineCollector()
        try await collector.start(LogFollower(configuration: .init(path: directory.file("quiet"))))
        try await Task.sleep(for: .milliseconds(100))
        let elapsed = try await collector.stop()
        #expect(elapsed < .seconds(5))  // generous: "promptly" means no hang, not a latency figure
    }

    @Test("a missing directory is a clear error")
    func missingDirectory() async throws {
        var iterator = LogFollower(configuration: .init(path: "/nonexistent-kobrakai/security")).makeAsyncIterator()
        await #expect(throws: SystemCallError.self) { _ = try await iterator.next() }
    }
}
