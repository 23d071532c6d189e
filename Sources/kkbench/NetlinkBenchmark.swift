import Foundation
import KobraKaiAddress
import KobraKaiFirewall
import KobraKaiNetfilter
import KobraKaiNetfilterTestSupport

/// Side-by-side timings of the netlink backend and the `nft` CLI, inside a private network namespace.
///
/// The product never runs nft; here it is the baseline an operator would otherwise use (fail2ban and
/// sshguard fork it per ban).
@main
struct NetlinkBenchmark {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func main() async throws {
        let options = Options(CommandLine.arguments.dropFirst())
        let namespace = try NetworkNamespaceThread()
        let rulesetPath = ProcessInfo.processInfo.environment["KKBENCH_RULESET"]
            ?? repositoryRoot.appendingPathComponent("nft/kobrakai.nft").path
        try check(try namespace.runBlocking { try ChildProcess(["nft", "-f", rulesetPath]).run() }, "load ruleset")
        let limits = TransactionLimits(maximumTransactionBytes: options.transactionBytes)
        let firewall = try namespace.runBlocking { try NftablesFirewall(limits: limits) }
        let nftVersion = try namespace.runBlocking { try ChildProcess(["nft", "--version"]).run() }.standardOutput
        print("kkbench: private network namespace; kernel \(kernelRelease()); \(nftVersion.trimmingCharacters(in: .whitespacesAndNewlines))")
        print("kernel features: \(firewall.features)")
        let monitor = options.monitorMode > 0 ? try namespace.runBlocking { try NftablesMonitor() } : nil
        if options.monitorMode == 2 { try monitor?.suspend() }
        let notifications = Task {
            var count = 0
            if let monitor { for await _ in monitor.changes { count += 1 } }
            return count
        }
        print(["", "an NftablesMonitor listens during the runs (element notifications are built)\n",
               "an NftablesMonitor runs, suspended (as around the daemon's bulk operations)\n"][options.monitorMode])
        defer {
            monitor?.stop()
            notifications.cancel()
        }

        if options.sections.contains("bulk") {
            try await bulkLoad(firewall: firewall, namespace: namespace, rulesetPath: rulesetPath,
                               count: options.elements, reps: options.reps)
        }
        if options.sections.contains("restore") {
            try await RestoreBenchmark.run(firewall: firewall, namespace: namespace, rulesetPath: rulesetPath,
                                           count: options.elements, reps: options.reps)
            try check(try namespace.runBlocking { try ChildProcess(["nft", "-f", rulesetPath]).run() }, "reload")
        }
        if options.sections.contains("roundtrip") {
            try await roundTrip(firewall: firewall, namespace: namespace,
                                netlinkIterations: options.netlinkIterations, nftIterations: options.nftIterations)
        }
    }

    static func bulkLoad(firewall: NftablesFirewall, namespace: NetworkNamespaceThread, rulesetPath: String,
                         count: Int, reps: Int) async throws
    {
        let requests = (0..<count).map { index in
            BanRequest(target: IPPrefix(host: .v4(IPv4Address(rawValue: 0x0A00_0000 + UInt32(index)))),
                       timeout: .seconds(3600))
        }
        let script = "add element inet kobrakai ban_v4 { "
            + (0..<count).map { "\(IPv4Address(rawValue: 0x0A00_0000 + UInt32($0))) timeout 3600s" }
                .joined(separator: ", ") + " }\n"
        let scriptPath = FileManager.default.temporaryDirectory.appendingPathComponent("kkbench-\(getpid()).nft").path
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: scriptPath) }

        var netlink: [Duration] = []
        var nft: [Duration] = []
        var netlinkCPU: [CPUTime] = []
        var nftCPU: [CPUTime] = []
        var netlinkWait: [Duration] = []
        let clock = ContinuousClock()
        for rep in 0..<reps {
            // Alternate the order so that neither variant always runs on a warmer kernel.
            for variant in rep % 2 == 0 ? [0, 1] : [1, 0] {
                // Same starting point for both: a freshly created table and empty sets (flushing 100k elements
                // instead leaves the kernel shrinking the hash table while the next load runs).
                try check(try namespace.runBlocking {
                    try ChildProcess(["nft", "delete", "table", "inet", "kobrakai"]).run()
                }, "delete table")
                try check(try namespace.runBlocking { try ChildProcess(["nft", "-f", rulesetPath]).run() }, "reload")
                try await Task.sleep(for: .milliseconds(300))  // let the previous teardown settle
                if variant == 0 {
                    let cpu = CPUTime.now(children: false)
                    let wait = CPUTime.runQueueWait()
                    let start = clock.now
                    let rejected = try await firewall.ban(requests)
                    netlink.append(clock.now - start)
                    netlinkCPU.append(CPUTime.now(children: false) - cpu)
                    netlinkWait.append(CPUTime.runQueueWait() - wait)
                    guard rejected.isEmpty else { throw BenchmarkError("\(rejected.count) bans rejected") }
                } else {
                    let cpu = CPUTime.now(children: true)
                    let start = clock.now
                    let outcome = try namespace.runBlocking { try ChildProcess(["nft", "-f", scriptPath]).run() }
                    nft.append(clock.now - start)
                    nftCPU.append(CPUTime.now(children: true) - cpu)
                    try check(outcome, "nft -f")
                }
                if rep == 0 {  // verify once per variant: a 100k dump costs more than the load itself
                    let listed = try await firewall.list().count
                    guard listed == count else { throw BenchmarkError("expected \(count) elements, found \(listed)") }
                }
            }
        }
        try await firewall.flush()
        let backend = Statistics(samples: netlink)
        let cli = Statistics(samples: nft)
        let ratio = Statistics.milliseconds(backend.median) / Statistics.milliseconds(cli.median)
        print("Bulk load: \(count) IPv4 bans with timeouts, \(reps) reps (median, min-max); transactions <= "
              + "\(firewall.limits.maximumTransactionBytes) bytes")
        print(row("netlink backend (NftablesFirewall.ban)", backend, unit: "ms") + "  " + CPUTime.summary(netlinkCPU)
              + String(format: ", waited for a CPU %.1f ms", Statistics.milliseconds(Statistics(samples: netlinkWait).median)))
        print(row("nft -f (one add element statement)", cli, unit: "ms") + "  " + CPUTime.summary(nftCPU))
        print("  ratio backend / nft = \(String(format: "%.3f", ratio))  (target <= 0.30: \(ratio <= 0.30 ? "met" : "MISSED"))")
        print(benchLine("netlink.bulk", backend, cli, netlinkCPU, nftCPU, extra: "elements=\(count) reps=\(reps)") + "\n")
    }

    static func roundTrip(firewall: NftablesFirewall, namespace: NetworkNamespaceThread, netlinkIterations: Int,
                          nftIterations: Int) async throws
    {
        let request = BanRequest(target: IPPrefix("192.0.2.1")!, timeout: .seconds(60), comment: "bench")
        let clock = ContinuousClock()
        var netlink: [Duration] = []
        for _ in 0..<netlinkIterations {
            let start = clock.now
            let rejected = try await firewall.ban([request])
            netlink.append(clock.now - start)
            guard rejected.isEmpty else { throw BenchmarkError("ban rejected") }
        }
        let command = ["nft", "add", "element", "inet", "kobrakai", "ban_v4", "{ 192.0.2.1 timeout 60s comment \"bench\" }"]
        let nft = try namespace.runBlocking {
            var samples: [Duration] = []
            for _ in 0..<nftIterations {
                let start = clock.now
                let outcome = try ChildProcess(command).run()
                samples.append(clock.now - start)
                guard outcome.status == 0 else { throw BenchmarkError("nft add element: \(outcome.standardError)") }
            }
            return samples
        }
        let backend = Statistics(samples: netlink)
        let cli = Statistics(samples: nft)
        let ratio = Statistics.microseconds(cli.median) / Statistics.microseconds(backend.median)
        print("One ban round trip (send + kernel ACK), \(netlinkIterations) netlink / \(nftIterations) nft iterations")
        print(row("netlink backend (persistent socket)", backend, unit: "us"))
        print(row("nft add element (posix_spawn)", cli, unit: "us"))
        print("  backend is \(String(format: "%.0f", ratio))x faster than nft  (target >= 200x: \(ratio >= 200 ? "met" : "MISSED"))")
        print(String(format: "BENCH name=netlink.roundtrip kobrakai_us=%.2f kobrakai_min_us=%.2f kobrakai_max_us=%.2f nft_us=%.1f nft_min_us=%.1f nft_max_us=%.1f iterations=%d nft_iterations=%d",
                     Statistics.microseconds(backend.median), Statistics.microseconds(backend.minimum),
                     Statistics.microseconds(backend.maximum), Statistics.microseconds(cli.median),
                     Statistics.microseconds(cli.minimum), Statistics.microseconds(cli.maximum),
                     netlinkIterations, nftIterations))
    }

    /// The machine-readable summary `make bench` collects: wall medians and ranges, CPU medians, in ms.
    static func benchLine(_ name: String, _ backend: Statistics, _ cli: Statistics, _ backendCPU: [CPUTime],
                          _ cliCPU: [CPUTime], extra: String) -> String
    {
        "BENCH name=\(name) " + String(format: "kobrakai_ms=%.1f kobrakai_min_ms=%.1f kobrakai_max_ms=%.1f kobrakai_cpu_ms=%.1f "
               + "nft_ms=%.1f nft_min_ms=%.1f nft_max_ms=%.1f nft_cpu_ms=%.1f ",
               Statistics.milliseconds(backend.median), Statistics.milliseconds(backend.minimum),
               Statistics.milliseconds(backend.maximum), CPUTime.medianTotalMilliseconds(backendCPU),
               Statistics.milliseconds(cli.median), Statistics.milliseconds(cli.minimum),
               Statistics.milliseconds(cli.maximum), CPUTime.medianTotalMilliseconds(cliCPU)) + extra
    }

    static func row(_ label: String, _ statistics: Statistics, unit: String) -> String {
        func value(_ duration: Duration) -> String {
            let number = unit == "ms" ? Statistics.milliseconds(duration) : Statistics.microseconds(duration)
            return String(format: "%.1f", number)
        }
        let padded = label.padding(toLength: 42, withPad: " ", startingAt: 0)
        let median = value(statistics.median)
        return "  \(padded)\(String(repeating: " ", count: max(0, 10 - median.count)))\(median) \(unit)"
            + "   (\(value(statistics.minimum))-\(value(statistics.maximum)))"
    }

    static func check(_ outcome: ChildProcess.Outcome, _ what: String) throws {
        guard outcome.status == 0 else { throw BenchmarkError("\(what) failed: \(outcome.standardError)") }
    }

    static func kernelRelease() -> String {
        (try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
    }
}
