import KobraKaiAddress
import KobraKaiCrowdSec
import Logging
import Testing

extension CrowdSecLAPISuites {
    /// The watcher against a real CrowdSec 1.4.6 LAPI: KobraKai's bans show up in `cscli decisions list`.
    @Suite("CrowdSec watcher against a real LAPI", .timeLimit(.minutes(2)))
    struct WatcherLAPITests {
        private func makeWatcher(_ lapi: LocalAPIServer, password: String = LocalAPIServer.machinePassword) -> CrowdSecWatcherService {
            CrowdSecWatcherService(
                client: LocalAPIClient(baseURL: lapi.url, timeout: .seconds(5)), machineID: LocalAPIServer.machineID,
                password: password, scenario: "kobrakai/voip-attack",
                backoff: RetryBackoff(initial: .milliseconds(50), maximum: .milliseconds(400)), logger: Logger(label: "test.watcher"))
        }

        @Test("a ban and a range pushed by the watcher show up in cscli decisions list, and reach a bouncer")
        func pushedBansAreListed() async throws {
            let lapi = try await LocalAPIServer()
            defer { lapi.tearDown() }
            try await lapi.start()
            let watcher = makeWatcher(lapi)
            let service = Task { try await watcher.run() }
            defer { service.cancel() }

            watcher.enqueue(WatcherBan(target: IPPrefix("192.0.2.55")!, duration: .seconds(7200), reason: "sip.auth_failed x5 in 60s"))
            watcher.enqueue(WatcherBan(target: IPPrefix("2001:db8:7::/48")!, duration: .seconds(3600), reason: "subnet escalation"))
            #expect(await eventually { watcher.health.applied == 2 })
            let listed = try await lapi.listedDecisionValues()
            #expect(listed.contains("192.0.2.55") && listed.contains("2001:db8:7::/48"), "\(listed)")
            let decisions = try await lapi.decisionIDs(value: "192.0.2.55")
            #expect(decisions.count == 1 && decisions[0].duration.hasPrefix("1h59m"), "\(decisions)")
            #expect(watcher.health.pending == 0)
        }

        @Test("bans queued while the LAPI is down are pushed when it comes up; enqueue never blocks")
        func queuedWhileDown() async throws {
            let lapi = try await LocalAPIServer()
            defer { lapi.tearDown() }
            let watcher = makeWatcher(lapi)
            let service = Task { try await watcher.run() }
            defer { service.cancel() }

            let started = ContinuousClock.now
            for last in 1...50 {
                watcher.enqueue(WatcherBan(target: IPPrefix("198.51.100.\(last)")!, duration: .seconds(600), reason: "test"))
            }
            // enqueue never waits for the LAPI (down here, with a 5 s connect timeout); the bound is generous.
            #expect(ContinuousClock.now - started < .seconds(2))
            #expect(await eventually { watcher.health.consecutiveFailures >= 2 })
            #expect(watcher.health.pending == 50)
            #expect(watcher.health.lastError?.contains("unreachable") == true)

            try await lapi.start()
            #expect(await eventually { watcher.health.applied == 50 })
            #expect(try await lapi.listedDecisionValues().count == 50)
        }

        @Test("a wrong machine password is reported and retried, never crashes")
        func wrongPassword() async throws {
            let lapi = try await LocalAPIServer()
            defer { lapi.tearDown() }
            try await lapi.start()
            let watcher = makeWatcher(lapi, password: "wrong")
            let service = Task { try await watcher.run() }
            defer { service.cancel() }
            watcher.enqueue(WatcherBan(target: IPPrefix("192.0.2.56")!, duration: .seconds(600), reason: "test"))
            #expect(await eventually { watcher.health.consecutiveFailures >= 2 })
            #expect(watcher.health.lastError?.contains("refused the machine id or password") == true, "\(watcher.health.lastError ?? "")")
            #expect(watcher.health.pending == 1)
        }

        @Test("a LAPI restart (new JWT secret) makes the watcher log in again and carry on")
        func reloginAfterRestart() async throws {
            let lapi = try await LocalAPIServer()
            defer { lapi.tearDown() }
            try await lapi.start()
            let watcher = makeWatcher(lapi)
            let service = Task { try await watcher.run() }
            defer { service.cancel() }

            watcher.enqueue(WatcherBan(target: IPPrefix("192.0.2.60")!, duration: .seconds(600), reason: "before"))
            #expect(await eventually { watcher.health.applied == 1 })
            lapi.stop()
            try await lapi.start()
            watcher.enqueue(WatcherBan(target: IPPrefix("192.0.2.61")!, duration: .seconds(600), reason: "after"))
            #expect(await eventually { watcher.health.applied == 2 })
            #expect(try await Set(lapi.listedDecisionValues()) == ["192.0.2.60", "192.0.2.61"])
        }
    }
}
