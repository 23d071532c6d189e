import Foundation
import KobraKaiAddress
import KobraKaiFirewall
import KobraKaiNetfilter
import KobraKaiNetfilterTestSupport

/// After `nft flush ruleset` (what `systemctl reload nftables` does on Debian), how fast the ruleset and
/// 100 000 bans come back: `NftablesFirewall.restore` against `nft -f` of one file holding the same table
/// definition (nft/kobrakai.nft) and the same elements, timeouts and comments.
enum RestoreBenchmark {
    static func run(firewall: NftablesFirewall, namespace: NetworkNamespaceThread, rulesetPath: String, count: Int,
                    reps: Int) async throws
    {
        let comment = "sip-auth 12 failures in 60s"
        let bans = (0..<count).map { index in
            BanRequest(target: IPPrefix(host: .v4(IPv4Address(rawValue: 0x0A00_0000 + UInt32(index)))),
                       timeout: .seconds(3600), comment: comment)
        }
        let elements = (0..<count).map {
            "\(IPv4Address(rawValue: 0x0A00_0000 + UInt32($0))) timeout 3600s comment \"\(comment)\""
        }
        let script = try String(contentsOfFile: rulesetPath, encoding: .utf8)
            + "\nadd element inet kobrakai ban_v4 { " + elements.joined(separator: ", ") + " }\n"
        let scriptPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("kkbench-restore-\(getpid()).nft").path
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: scriptPath) }

        var netlink: [Duration] = []
        var nft: [Duration] = []
        var netlinkCPU: [CPUTime] = []
        var nftCPU: [CPUTime] = []
        let clock = ContinuousClock()
        for rep in 0..<reps {
            for variant in rep % 2 == 0 ? [0, 1] : [1, 0] {
                try NetlinkBenchmark.check(try namespace.runBlocking {
                    try ChildProcess(["nft", "flush", "ruleset"]).run()
                }, "flush ruleset")
                try await Task.sleep(for: .milliseconds(300))  // let the previous teardown settle
                if variant == 0 {
                    let cpu = CPUTime.now(children: false)
                    let start = clock.now
                    let rejected = try await firewall.restore(bans)
                    netlink.append(clock.now - start)
                    netlinkCPU.append(CPUTime.now(children: false) - cpu)
                    guard rejected.isEmpty else { throw BenchmarkError("\(rejected.count) bans rejected") }
                } else {
                    let cpu = CPUTime.now(children: true)
                    let start = clock.now
                    let outcome = try namespace.runBlocking { try ChildProcess(["nft", "-f", scriptPath]).run() }
                    nft.append(clock.now - start)
                    nftCPU.append(CPUTime.now(children: true) - cpu)
                    try NetlinkBenchmark.check(outcome, "nft -f")
                }
                if rep == 0 {
                    try await firewall.verify()
                    let listed = try await firewall.list()
                    guard listed.count == count, listed.allSatisfy({ $0.comment == comment }) else {
                        throw BenchmarkError("expected \(count) elements with comments, found \(listed.count)")
                    }
                }
            }
        }
        let backend = Statistics(samples: netlink)
        let cli = Statistics(samples: nft)
        let ratio = Statistics.milliseconds(backend.median) / Statistics.milliseconds(cli.median)
        print("Restore after `nft flush ruleset`: table + sets + chain + \(count) IPv4 bans with timeouts and "
              + "comments, \(reps) reps (median, min-max)")
        print(NetlinkBenchmark.row("netlink backend (NftablesFirewall.restore)", backend, unit: "ms") + "  "
              + CPUTime.summary(netlinkCPU))
        print(NetlinkBenchmark.row("nft -f (kobrakai.nft + add element)", cli, unit: "ms") + "  "
              + CPUTime.summary(nftCPU))
        let met = Statistics.milliseconds(backend.median) < 500 ? "met" : "MISSED"
        print("  ratio backend / nft = \(String(format: "%.3f", ratio))  (target restore < 500 ms: \(met))")
        print(NetlinkBenchmark.benchLine("netlink.restore", backend, cli, netlinkCPU, nftCPU,
                                         extra: "elements=\(count) reps=\(reps)") + "\n")
    }
}
