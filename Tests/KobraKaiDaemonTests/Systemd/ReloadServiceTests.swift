import KobraKaiDaemon
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import Testing

@Suite("ReloadService")
struct ReloadServiceTests {
    struct ReloadFailure: Error, CustomStringConvertible {
        var description: String { "allowlist line 3: invalid address" }
    }

    @Test("each trigger reloads between RELOADING=1 and READY=1; a failure keeps running and says why")
    func reloadsAndReports() async throws {
        let directory = try TemporaryDirectory()
        let sink = try DatagramSink(address: directory.file("notify"))
        let notifier = SystemdNotifier(socketPath: sink.address, watchdogInterval: nil)
        let (triggers, trigger) = AsyncStream<Void>.makeStream()
        let attempts = Mutex(0)
        let service = ReloadService(triggers: triggers, notifier: notifier) {
            let attempt = attempts.withLock { $0 += 1; return $0 }
            if attempt == 2 { throw ReloadFailure() }
            return "allowlist: \(attempt) entries"
        }
        try await testGracefulShutdown { shutdown in
            let running = Task { try await service.run() }
            trigger.yield()
            #expect(await sink.receive()?.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") == true)
            #expect(await sink.receive() == "READY=1\nSTATUS=allowlist: 1 entries")
            trigger.yield()
            #expect(await sink.receive()?.hasPrefix("RELOADING=1") == true)
            #expect(await sink.receive() == "READY=1\nSTATUS=reload failed, previous configuration kept: allowlist line 3: invalid address")
            shutdown.triggerGracefulShutdown()
            try await running.value
        }
        #expect(attempts.withLock { $0 } == 2)
    }
}
