// Event-history write throughput: how many security events a second the daemon can record for
// `kobrakai report`, side by side with the naive design (one SQLite transaction per event), in one run.
//
//   swift run -c release kobrakai-history-bench [--events N]
//
// 1. StateStore.apply: N events in flush-sized batches (one transaction each), the writer's raw rate.
// 2. The BanEngine end to end: N AMI-style events (10,000 distinct addresses per 100,000) through the real policy, an
//    in-memory firewall and the engine's writer queue, until every event is committed.
// 3. The same store, one transaction per event (what a per-event writer would cost), on N/10 events.
// Figures are wall-clock on this machine; the target is 10,000 events/s.
import Foundation
import KobraKaiAddress
import KobraKaiCore
import KobraKaiDaemon
import KobraKaiFirewall
import Logging

@main
struct HistoryBenchmark {
    static func main() async throws {
        let arguments = CommandLine.arguments
        let count = arguments.firstIndex(of: "--events").flatMap { Int(arguments[$0 + 1]) } ?? 200_000
        let directory = NSTemporaryDirectory() + "kobrakai-history-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = ContinuousClock()
        let now = Timestamp.wallClock()
        let events = (0..<count).map { index in
            SecurityEvent(time: nil, address: IPAddress("10.\(index / 65_536 % 256).\(index / 256 % 20).\(index % 250 + 1)")!,
                          origin: .ami, service: .ami, rule: "ami.login.failed", severity: .medium, account: "user\(index % 500)")
        }

        // 1. Batched writes straight to the store.
        let batched = try StateStore(directory: directory + "/batched", historyLimits: HistoryLimits(maximumEvents: 10_000_000))
        var start = clock.now
        for chunk in stride(from: 0, to: count, by: 500) {
            let slice = events[chunk..<min(count, chunk + 500)].map { StoredEvent($0, receivedAt: now) }
            try await batched.apply(StateChanges(events: slice))
        }
        let batchedRate = rate(count, clock.now - start)
        print("store, 500 events per transaction:     \(format(batchedRate)) events/s")

        // 2. Through the engine.
        let store = try StateStore(directory: directory + "/engine", historyLimits: HistoryLimits(maximumEvents: 10_000_000))
        let (stream, input) = AsyncStream<SecurityEvent>.makeStream()
        let policy = CorePolicyAdapter(policy: try BanPolicy(configuration: PolicyConfiguration(), allowlist: Allowlist(prefixes: [])))
        var quiet = Logger(label: "kobrakai.bench")
        quiet.logLevel = .warning
        let engine = BanEngine(events: stream, policy: policy, firewall: InMemoryFirewall(), store: store,
                               allowlist: ProtectedAddresses([]), tick: .zero, logger: quiet)
        start = clock.now
        let running = Task { try await engine.run() }
        for event in events { input.yield(event) }
        input.finish()
        try await running.value
        let engineElapsed = clock.now - start
        let recorded = try await store.events().count
        let bans = try await store.banHistory().count
        let engineRate = rate(count, engineElapsed)
        print("engine end to end (policy, firewall):  \(format(engineRate)) events/s  (\(recorded) events, \(bans) bans recorded)")

        // 3. One transaction per event.
        let naive = try StateStore(directory: directory + "/naive", historyLimits: HistoryLimits(maximumEvents: 10_000_000))
        let naiveCount = max(1, count / 10)
        start = clock.now
        for event in events.prefix(naiveCount) {
            try await naive.apply(StateChanges(events: [StoredEvent(event, receivedAt: now)]))
        }
        let naiveRate = rate(naiveCount, clock.now - start)
        print("store, one transaction per event:      \(format(naiveRate)) events/s")
        print("batched / per-event: \(String(format: "%.1f", batchedRate / naiveRate))x; engine vs 10,000/s target: \(String(format: "%.1f", engineRate / 10_000))x")
        if recorded != count { print("WARNING: \(count - recorded) events not recorded") }
    }

    static func rate(_ count: Int, _ elapsed: Duration) -> Double {
        let (seconds, attoseconds) = elapsed.components
        return Double(count) / (Double(seconds) + Double(attoseconds) / 1e18)
    }

    static func format(_ value: Double) -> String { String(Int(value.rounded())) }
}
