import Foundation
import Glibc
import KobraKaiDaemon
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

@Suite("SystemdNotifier")
struct SystemdNotifierTests {
    @Test("READY, STATUS, RELOADING, STOPPING and WATCHDOG reach a path socket as systemd expects them")
    func messagesToPathSocket() async throws {
        let directory = try TemporaryDirectory()
        let sink = try DatagramSink(address: directory.file("notify"))
        let notifier = SystemdNotifier.fromEnvironment { ["NOTIFY_SOCKET": sink.address][$0] }
        #expect(notifier.isEnabled)
        try notifier.ready(status: "following 3 files, 12 bans restored")
        #expect(await sink.receive() == "READY=1\nSTATUS=following 3 files, 12 bans restored")
        try notifier.status("multi\nline")
        #expect(await sink.receive() == "STATUS=multi line")
        try notifier.reloading()
        let reloading = try #require(await sink.receive())
        #expect(reloading.hasPrefix("RELOADING=1\nMONOTONIC_USEC="))
        try notifier.watchdog()
        #expect(await sink.receive() == "WATCHDOG=1")
        try notifier.stopping()
        #expect(await sink.receive() == "STOPPING=1")
    }

    @Test("an abstract socket (@name) works too")
    func abstractSocket() async throws {
        let sink = try DatagramSink(address: "@kobrakai-test-\(UUID().uuidString)")
        try SystemdNotifier(socketPath: sink.address, watchdogInterval: nil).ready()
        #expect(await sink.receive() == "READY=1")
    }

    @Test("without NOTIFY_SOCKET every call is a no-op; a vanished socket is an error")
    func disabledAndMissing() throws {
        let disabled = SystemdNotifier.fromEnvironment { _ in nil }
        #expect(!disabled.isEnabled && disabled.watchdogInterval == nil)
        try disabled.ready()
        #expect(throws: SystemCallError.self) {
            try SystemdNotifier(socketPath: "/nonexistent/notify", watchdogInterval: nil).ready()
        }
    }

    @Test("the watchdog interval is half of WATCHDOG_USEC, and only for our own pid")
    func watchdogInterval() {
        let ours = SystemdNotifier.fromEnvironment { ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "\(getpid())"][$0] }
        #expect(ours.watchdogInterval == .seconds(15))
        let other = SystemdNotifier.fromEnvironment { ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"][$0] }
        #expect(other.watchdogInterval == nil)
        #expect(SystemdNotifier.fromEnvironment { ["WATCHDOG_USEC": "junk"][$0] }.watchdogInterval == nil)
    }

    @Test("the watchdog service pings until graceful shutdown, then says STOPPING; an unhealthy daemon gets no pings")
    func watchdogService() async throws {
        let directory = try TemporaryDirectory()
        let sink = try DatagramSink(address: directory.file("notify"))
        let notifier = SystemdNotifier(socketPath: sink.address, watchdogInterval: .milliseconds(20))
        try await testGracefulShutdown { trigger in
            let task = Task { try await WatchdogService(notifier: notifier).run() }
            for _ in 0..<3 { #expect(await sink.receive() == "WATCHDOG=1") }
            trigger.triggerGracefulShutdown()
            try await task.value
        }
        var remaining: [String] = []
        while let message = await sink.receive(timeoutMilliseconds: 100) { remaining.append(message) }
        #expect(remaining.last == "STOPPING=1")

        let unhealthy = Task { try await WatchdogService(notifier: notifier, isHealthy: { false }).run() }
        #expect(await sink.receive(timeoutMilliseconds: 200) == nil)
        unhealthy.cancel()
        try await unhealthy.value
        #expect(await sink.receive() == "STOPPING=1")
    }
}
