import KobraKaiAddress
import KobraKaiDaemon
import Testing

@Suite("StatePruningService")
struct StatePruningServiceTests {
    @Test("prunes at start and stops promptly at cancellation")
    func prunesAndStops() async throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        try await store.recordBans([StateStoreTests.ban("192.0.2.1", expiresIn: .seconds(-5))], countAsOffences: false)
        let service = StatePruningService(store: store, interval: .seconds(3600), now: { StateStoreTests.now })
        let running = Task { try await service.run() }
        let deadline = ContinuousClock.now + .seconds(10)
        while try await store.ban(for: IPPrefix("192.0.2.1")!) != nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(try await store.ban(for: IPPrefix("192.0.2.1")!) == nil)
        running.cancel()
        try await running.value
    }
}
