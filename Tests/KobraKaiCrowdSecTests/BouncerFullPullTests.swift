import KobraKaiAddress
import KobraKaiCrowdSec
import KobraKaiFirewall
import Logging
import Testing

/// The bouncer's periodic full pull against a scripted decision stream on loopback: decisions a delta
/// skipped arrive, deletions a delta skipped are lifted, and bans already in place are left alone.
@Suite("CrowdSec bouncer: periodic full pull", .timeLimit(.minutes(1)))
struct BouncerFullPullTests {
    private func makeBouncer(
        _ lapi: ScriptedDecisionStream, firewall: any Firewall, fullPullInterval: Duration,
        applied: AppliedBanLog? = nil
    ) -> CrowdSecBouncerService {
        CrowdSecBouncerService(
            client: LocalAPIClient(baseURL: lapi.url, timeout: .seconds(5)), apiKey: "test-key", firewall: firewall,
            pullInterval: .milliseconds(50), fullPullInterval: fullPullInterval, protectedTargets: { _ in [] },
            backoff: RetryBackoff(initial: .milliseconds(50), maximum: .milliseconds(200)),
            logger: Logger(label: "test.bouncer"),
            onBansApplied: applied.map { log in { @Sendable bans in log.record(bans) } })
    }

    private static func target(_ text: String) -> IPPrefix { IPPrefix(text)! }

    @Test("a decision no delta delivered arrives after the full-pull interval")
    func skippedDecisionArrives() async throws {
        let lapi = try ScriptedDecisionStream()
        lapi.setActive([ScriptedDecisionStream.ban(1, "198.51.100.1")])
        let firewall = InMemoryFirewall()
        let bouncer = makeBouncer(lapi, firewall: firewall, fullPullInterval: .milliseconds(300))
        let service = Task { try await bouncer.run() }
        defer { service.cancel() }
        #expect(await eventually { (try? await firewall.list().count) == 1 })

        // Committed while the bouncer pulled: the deltas never mention it.
        lapi.setActive([ScriptedDecisionStream.ban(1, "198.51.100.1"), ScriptedDecisionStream.ban(2, "198.51.100.2")])
        #expect(await eventually { (try? await firewall.lookup(IPAddress("198.51.100.2")!)) != nil })
        #expect(lapi.fullPulls >= 2)
    }

    @Test("a batch the deltas skipped during a burst arrives by the full pull that confirms the burst")
    func burstConfirmation() async throws {
        let lapi = try ScriptedDecisionStream()
        let first = ScriptedDecisionStream.ban(1, "198.51.100.1")
        lapi.setActive([first])
        let firewall = InMemoryFirewall()
        let bouncer = makeBouncer(lapi, firewall: firewall, fullPullInterval: .seconds(3600))
        let service = Task { try await bouncer.run() }
        defer { service.cancel() }
        #expect(await eventually { (try? await firewall.list().count) == 1 })
        #expect(lapi.fullPulls == 1)

        // An import: one delta brings decision 2; decision 3 was committed while that pull ran (only the full
        // list has it).
        let streamed = ScriptedDecisionStream.ban(2, "198.51.100.2")
        let skipped = ScriptedDecisionStream.ban(3, "203.0.113.0/24")
        lapi.setActive([first, streamed, skipped])
        lapi.queueDelta(new: [streamed])
        #expect(await eventually { (try? await firewall.lookup(IPAddress("203.0.113.7")!)) != nil })
        #expect(lapi.fullPulls == 2)
        // Confirmed once: later empty deltas do not pull the full list again.
        let deltas = lapi.deltaPulls
        #expect(await eventually { lapi.deltaPulls >= deltas + 5 })
        #expect(lapi.fullPulls == 2)
    }

    @Test("with full_pull_interval 0 only the start pulls the full list (the skipped decision stays missing)")
    func disabled() async throws {
        let lapi = try ScriptedDecisionStream()
        lapi.setActive([ScriptedDecisionStream.ban(1, "198.51.100.1")])
        let firewall = InMemoryFirewall()
        let bouncer = makeBouncer(lapi, firewall: firewall, fullPullInterval: .zero)
        let service = Task { try await bouncer.run() }
        defer { service.cancel() }
        #expect(await eventually { (try? await firewall.list().count) == 1 })
        lapi.setActive([ScriptedDecisionStream.ban(1, "198.51.100.1"), ScriptedDecisionStream.ban(2, "198.51.100.2")])
        try await Task.sleep(for: .seconds(1))
        #expect(try await firewall.list().map(\.target) == [Self.target("198.51.100.1")])
        #expect(lapi.fullPulls == 1)
    }

    @Test("a full pull converges: lifts ours whose decision is gone, re-adds what the firewall lost, rewrites nothing else")
    func converges() async throws {
        let lapi = try ScriptedDecisionStream()
        let steady = ScriptedDecisionStream.ban(1, "198.51.100.1")
        let deleted = ScriptedDecisionStream.ban(2, "198.51.100.2")
        let lost = ScriptedDecisionStream.ban(3, "203.0.113.0/24")
        lapi.setActive([steady, deleted, lost])
        let firewall = InMemoryFirewall()
        let local = Self.target("192.0.2.9")
        _ = try await firewall.ban([BanRequest(target: local, timeout: .seconds(3600), comment: "local: sip brute force")])
        let applied = AppliedBanLog()
        let bouncer = makeBouncer(lapi, firewall: firewall, fullPullInterval: .milliseconds(300), applied: applied)
        let service = Task { try await bouncer.run() }
        defer { service.cancel() }
        #expect(await eventually { (try? await firewall.list().count) == 4 })
        let steadyDeadline = try #require(try await firewall.lookup(IPAddress("198.51.100.1")!)?.expiresIn)

        // Deleted in the LAPI without a delta, and lost from the firewall (a failed call, a flushed set).
        lapi.setActive([steady, lost])
        try await firewall.unban([Self.target("203.0.113.0/24")])
        let pullsBefore = lapi.fullPulls
        #expect(await eventually { lapi.fullPulls >= pullsBefore + 2 })

        let targets = try await firewall.list().map(\.target)
        #expect(targets == [Self.target("192.0.2.9"), Self.target("198.51.100.1"), Self.target("203.0.113.0/24")])
        #expect(try await firewall.lookup(IPAddress("192.0.2.9")!)?.comment == "local: sip brute force")
        // Reported once, at start: the steady ban was never rewritten (a re-ban would restart its timeout), and
        // the lost range came back as a restoration, not as a new ban (no second history row or count).
        let appliedTargets = applied.pulls.map { $0.map(\.target) }
        #expect(appliedTargets == [
            [Self.target("198.51.100.1"), Self.target("198.51.100.2"), Self.target("203.0.113.0/24")],
        ])
        #expect(bouncer.health.applied == 4)
        let steadyNow = try #require(try await firewall.lookup(IPAddress("198.51.100.1")!)?.expiresIn)
        #expect(steadyNow < steadyDeadline)
    }
}
