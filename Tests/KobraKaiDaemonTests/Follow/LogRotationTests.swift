import Foundation
import Glibc
import KobraKaiDaemon
import Testing

/// Every rotation style, with a writer appending while the file is rotated: every line must arrive
/// exactly once and in order.
@Suite("LogFollower rotation")
struct LogRotationTests {
    static let lineCount = 3000
    static let rotateEvery = 500

    private static func expectedLines() -> [String] {
        (0..<lineCount).map { "line \($0) REGISTER from 198.51.100.\($0 % 250)" }
    }

    /// Starts following and returns once the follower has the file open (it delivered the `ready` line the
    /// writer wrote first), so that the rotations below happen to a file it follows.
    private static func follow(_ path: String, writer: LogWriter?) async throws -> LineCollector {
        let collector = LineCollector()
        try await collector.start(LogFollower(configuration: .init(path: path, startPoint: .beginning)))
        writer?.line("ready")
        _ = await collector.waitForLines(1)
        return collector
    }

    @Test("rename and re-create (logrotate create): nothing lost, nothing duplicated")
    func renameAndRecreate() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("security")
        let writer = try LogWriter(path: path)
        let collector = try await Self.follow(path, writer: writer)
        let expected = ["ready"] + Self.expectedLines()
        for (index, line) in expected.enumerated().dropFirst() {
            writer.line(line)
            if index % Self.rotateEvery == Self.rotateEvery - 1 {
                // Rotations are hours apart in life: the follower must have reached the current generation
                // (one of its lines) before it is rotated again. (Two rotations between reads are covered
                // by `doubleRotation`; three or more lose the generations beyond `.1`.)
                _ = await collector.waitForLines(index - Self.rotateEvery + 2)
                _ = rename(path, path + ".1")  // overwrites the previous generation, like logrotate
                try writer.reopen()
            }
            if index % 50 == 0 { await Task.yield() }
        }
        expectSameLines(await collector.waitForLines(expected.count), expected)
        _ = try await collector.stop()
    }

    @Test("rename, then the writer keeps writing to the old file for a while before the new one exists")
    func renameWithLateReopen() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("messages")
        let writer = try LogWriter(path: path)
        let collector = try await Self.follow(path, writer: writer)
        writer.line("before")
        _ = rename(path, path + ".1")
        writer.line("to the renamed file")
        try await Task.sleep(for: .milliseconds(50))
        writer.line("still the renamed file")
        try writer.reopen()
        writer.line("new file")
        expectSameLines(await collector.waitForLines(5), ["ready", "before", "to the renamed file", "still the renamed file", "new file"])
        _ = try await collector.stop()
    }

    @Test("rotated twice before the follower reads: the middle generation is read from path.1")
    func doubleRotation() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("security")
        let writer = try LogWriter(path: path)
        // Reading is demand-driven: not asking for batches while rotating guarantees both rotations
        // happen between two reads.
        var iterator = try LogFollower(configuration: .init(path: path, startPoint: .beginning)).start()
        writer.line("ready")
        var received = try #require(try await iterator.next()).lines.map(\.text)
        var expected = ["ready"]
        for generation in ["A", "B", "C"] {
            for index in 0..<200 {
                writer.line("\(generation) \(index)")
                expected.append("\(generation) \(index)")
            }
            guard generation != "C" else { break }
            _ = rename(path, path + ".1")  // B's rename overwrites A's name: A survives only as our descriptor
            try writer.reopen()
        }
        let target = expected.count
        let initial = received
        let remaining = iterator
        received = try await withThrowingTaskGroup(of: [String]?.self) { group in
            group.addTask {
                var iterator = remaining
                var lines = initial
                while lines.count < target, let batch = try await iterator.next() { lines += batch.lines.map(\.text) }
                return lines
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(10))
                return nil  // a lost generation would otherwise leave the reader waiting forever
            }
            var result: [String] = []
            while let next = try await group.next() {
                if let lines = next { result = lines }
                group.cancelAll()
            }
            return result
        }
        expectSameLines(received, expected)
    }

    @Test("a stale path.1 from an earlier rotation is not read again when the file is replaced")
    func staleRotatedFileIgnored() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("security")
        try LogWriter(path: path + ".1").line("stale, from last night")
        try await Task.sleep(for: .milliseconds(30))  // older by more than the kernel's coarse clock tick
        let writer = try LogWriter(path: path)
        let collector = try await Self.follow(path, writer: writer)
        writer.line("before")
        unlink(path)
        try writer.reopen()
        writer.line("after")
        expectSameLines(await collector.waitForLines(3), ["ready", "before", "after"])
        try await Task.sleep(for: .milliseconds(100))
        expectSameLines(await collector.lines, ["ready", "before", "after"])
        _ = try await collector.stop()
    }

    @Test("copytruncate: the follower restarts at 0 when the file shrinks below its position")
    func copyTruncate() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("full")
        let writer = try LogWriter(path: path)
        let collector = try await Self.follow(path, writer: writer)
        let expected = ["ready"] + Self.expectedLines()
        var delivered = 0
        for (index, line) in expected.enumerated().dropFirst() {
            writer.line(line)
            if index % Self.rotateEvery == Self.rotateEvery - 1 {
                // logrotate copies, then truncates; lines written between the two are lost by design of
                // copytruncate, so the writer (like a quiet Asterisk) writes nothing in between.
                delivered = index + 1
                _ = await collector.waitForLines(delivered)
                try FileManager.default.copyItem(atPath: path, toPath: path + ".\(index)")
                writer.truncateInPlace()
            }
        }
        expectSameLines(await collector.waitForLines(expected.count), expected)
        _ = try await collector.stop()
    }

    /// Found by `make torture`: after a copytruncate the copy sits at path.1 and is newer than the file the
    /// follower has open, so a later delete (or any replacement) took the copy for an unread middle
    /// generation and delivered every copied line a second time (double-counted events).
    @Test("copytruncate, then delete and re-create: the copy at path.1 is not read again")
    func copyTruncateThenReplace() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("full")
        let writer = try LogWriter(path: path)
        let collector = try await Self.follow(path, writer: writer)
        writer.line("copied 1")
        writer.line("copied 2")
        _ = await collector.waitForLines(3)
        try FileManager.default.copyItem(atPath: path, toPath: path + ".1")
        writer.truncateInPlace()
        writer.line("after truncation")
        _ = await collector.waitForLines(4)
        unlink(path)
        try writer.reopen()
        writer.line("new file")
        let expected = ["ready", "copied 1", "copied 2", "after truncation", "new file"]
        expectSameLines(await collector.waitForLines(expected.count), expected)
        try await Task.sleep(for: .milliseconds(200))
        expectSameLines(await collector.lines, expected)
        _ = try await collector.stop()
    }

    @Test("deleted, then re-created later: lines from both files arrive")
    func deleteAndRecreate() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("security")
        var writer: LogWriter? = try LogWriter(path: path)
        let collector = try await Self.follow(path, writer: writer)
        writer?.line("a")
        writer?.line("b")
        unlink(path)
        writer?.line("c (to the deleted file, still open)")
        writer = nil
        try await Task.sleep(for: .milliseconds(100))
        let recreated = try LogWriter(path: path)
        recreated.line("d")
        recreated.line("e")
        expectSameLines(await collector.waitForLines(6), ["ready", "a", "b", "c (to the deleted file, still open)", "d", "e"])
        _ = try await collector.stop()
    }

    @Test("positions saved during rotation let a restarted follower continue without gaps or repeats")
    func positionAcrossRestartAndRotation() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("security")
        let writer = try LogWriter(path: path)
        var received: [String] = []
        var saved: FilePosition?
        let expected = Self.expectedLines()
        for (round, chunk) in stride(from: 0, to: expected.count, by: 600).enumerated() {
            let collector = LineCollector()
            try await collector.start(LogFollower(configuration: .init(path: path, startPoint: .beginning, savedPosition: saved)))
            let slice = expected[chunk..<min(chunk + 600, expected.count)]
            for (offset, line) in slice.enumerated() {
                writer.line(line)
                if round % 2 == 1, offset == 300 {
                    _ = rename(path, path + ".1")
                    try writer.reopen()
                }
            }
            let target = received.count + slice.count
            let lines = await collector.waitForLines(slice.count)
            received += lines
            saved = await collector.lastPosition
            _ = try await collector.stop()
            #expect(received.count == target)
        }
        expectSameLines(received, expected)
    }
}
