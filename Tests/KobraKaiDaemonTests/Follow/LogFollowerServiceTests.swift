import KobraKaiDaemon
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import Testing

@Suite("LogFollowerService")
struct LogFollowerServiceTests {
    @Test("hands batches to its handler, persists positions through it, and stops at graceful shutdown")
    func handlesAndStops() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("security")
        let writer = try LogWriter(path: path)
        let store = try StateStore(directory: directory.file("state"))
        let received = Mutex<[String]>([])
        let service = LogFollowerService(follower: LogFollower(configuration: .init(path: path, startPoint: .beginning))) { batch in
            received.withLock { $0 += batch.lines.map(\.text) }
            try await store.savePosition(batch.position, for: batch.path)
        }
        try await testGracefulShutdown { trigger in
            let running = Task { try await service.run() }
            writer.line("one")
            writer.line("two")
            let deadline = ContinuousClock.now + .seconds(10)
            while received.withLock({ $0.count }) < 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            trigger.triggerGracefulShutdown()
            try await running.value
        }
        #expect(received.withLock { $0 } == ["one", "two"])
        let saved = try #require(try await store.position(for: path))
        #expect(saved.offset == 8)

        // A restarted service resumes from the stored position.
        writer.line("three")
        let resumed = Mutex<[String]>([])
        let restarted = LogFollowerService(follower: LogFollower(configuration: .init(path: path, savedPosition: saved))) { batch in
            resumed.withLock { $0 += batch.lines.map(\.text) }
        }
        let running = Task { try await restarted.run() }
        let deadline = ContinuousClock.now + .seconds(10)
        while resumed.withLock({ $0.isEmpty }), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        running.cancel()
        try await running.value
        #expect(resumed.withLock { $0 } == ["three"])
    }
}
