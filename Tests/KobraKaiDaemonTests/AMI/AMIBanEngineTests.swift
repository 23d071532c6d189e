import KobraKaiAddress
import KobraKaiCore
import KobraKaiDaemon
import KobraKaiDaemonTestSupport
import KobraKaiFirewall
import Testing

/// End to end without the kernel: a scripted manager's security events → AMIClientService → BanEngine
/// with the real detection policy (KobraKaiCore.BanPolicy through CorePolicyAdapter) → firewall.
@Suite("AMI events drive bans")
struct AMIBanEngineTests {
    @Test("five InvalidAccountID events from one source ban it; an allowlisted source and an injected address are never banned")
    func amiEventsBan() async throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        let firewall = RecordingFirewall()
        let configuration = try Configuration.load(from: "{}")
        let policy = CorePolicyAdapter(policy: try configuration.makePolicy())
        let (events, input) = AsyncStream<SecurityEvent>.makeStream()
        let engine = BanEngine(
            events: events, policy: policy, firewall: firewall, store: store,
            allowlist: ProtectedAddresses([IPPrefix("192.0.2.0/24")!]),
            // One flush, when the input ends: a tick's flush cut short by the end of input would skip the
            // store write (BanEngine: GRDB's write sees the cancelled tick task), which is not under test here.
            tick: .seconds(60))
        let bed = try AMITestBed()
        let delivered = Recorder<SecurityEvent>()
        let client = try AMIClientService(settings: try AMITestBed.settings(port: bed.peer.port)) { event in
            delivered.append(event)
            input.yield(event)
        }
        let engineTask = Task { try await engine.run() }
        let running = RunningService(client)
        try await bed.peerLog.wait(for: "login") { $0.contains { if case .loginAccepted = $0 { true } else { false } } }

        for attempt in 1...5 {
            var attacker = AsteriskSecurityEvent.invalidAccountID(from: "IPV4/UDP/198.51.100.7/5062", account: "\(1000 + attempt)")
            attacker.eventTV = currentEventTV()
            bed.peer.send(attacker)
            var office = AsteriskSecurityEvent.invalidAccountID(from: "IPV4/UDP/192.0.2.50/5060", account: "\(1000 + attempt)")
            office.eventTV = currentEventTV()
            bed.peer.send(office)
            // The forged address rides in an attacker's AccountID; the event is refused whole.
            var forged = AsteriskSecurityEvent.invalidAccountID(
                from: "IPV4/UDP/198.51.100.99/5062", account: "\r\nRemoteAddress: IPV4/U/203.0.113.9/1")
            forged.eventTV = currentEventTV()
            bed.peer.send(forged)
        }
        // Ten valid events (the five forged ones are refused); then end the input: the engine flushes.
        try await delivered.wait(for: "ten events delivered") { $0.count >= 10 }
        await running.stop()
        input.finish()
        try await engineTask.value
        let banned = await firewall.banCalls.flatMap { $0 }
        #expect(banned.map(\.target) == [IPPrefix("198.51.100.7/32")!])
        #expect(banned.first?.comment?.contains("security.invalid-account-id") == true)
        let stored = try await store.unexpiredBans(now: Timestamp.wallClock())
        #expect(stored.map(\.origin) == ["ami"])
        let statistics = await engine.statistics
        #expect(statistics.eventsObserved == 10)
        #expect(!(await firewall.banCalls.flatMap { $0 }.contains { $0.target.contains(IPAddress("203.0.113.9")!) }))
        await bed.finish()
    }
}
