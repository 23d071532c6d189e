import Foundation
import Glibc
import KobraKaiAddress
import KobraKaiNetfilter
import KobraKaiNetfilterTestSupport

/// `make bench-pps`: packets per second a UDP receiver on the SIP port gets while a sender floods it over a
/// veth pair between two private network namespaces, with no firewall, with KobraKai's ruleset (empty, and
/// with 100,000 bans), and with 10,000 per-address iptables DROP rules (iptables-nft and iptables-legacy).
/// The sender is never banned, so every packet goes through the whole lookup.
///
/// Where the time goes: veth hands each packet to the receiving namespace in the softirq of the sending CPU,
/// so the sender's thread pays for its system call AND the whole receive path (IP, netfilter, UDP, socket
/// queue). On a 2-core machine one core sends-and-filters and the other drains the socket; the sender's
/// core is the bottleneck and firewall cost shows up directly as fewer packets per second.
///
/// Environment: PPS_SECONDS (3), PPS_REPS (3), PPS_BANS (100000), PPS_RULES (10000), PPS_PAYLOAD (400).
@main
struct PacketRateBenchmark {
    static let port: UInt16 = 5060
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func main() async {
        do {
            try await run()
        } catch {
            FileHandle.standardError.write(Data("kobrakai-pps-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        func setting(_ name: String, _ fallback: Int) -> Int { Int(environment[name] ?? "").flatMap { $0 > 0 ? $0 : nil } ?? fallback }
        let seconds = setting("PPS_SECONDS", 3)
        let reps = setting("PPS_REPS", 3)
        let bans = setting("PPS_BANS", 100_000)
        let rules = setting("PPS_RULES", 10_000)
        let payload = setting("PPS_PAYLOAD", 400)
        let rulesetPath = repositoryRoot.appendingPathComponent("nft/kobrakai.nft").path

        let link = try await VethLink()
        try await VethLink.run(in: link.receiver, ["nft", "-f", rulesetPath])
        let firewall = try await link.receiver.run { try NftablesFirewall() }
        let legacyAvailable = (try? await VethLink.run(in: link.receiver, ["iptables-legacy", "-S", "INPUT"])) != nil
        let iptablesVersion = (try? await VethLink.run(in: link.receiver, ["iptables", "-V"]))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "iptables missing"
        let scenarios = FirewallScenario.allCases.filter { legacyAvailable || $0 != .iptablesLegacy }
        print("kobrakai-pps-bench: UDP to port \(port), \(payload)-byte payloads, sendmmsg/recvmmsg batches of 64, "
              + "veth between two private network namespaces; \(reps) x \(seconds) s per scenario (median shown)")
        print("  `iptables -V`: \(iptablesVersion)\(legacyAvailable ? "; iptables-legacy measured too" : "; iptables-legacy unusable here")")
        print("  kernel \(kernelRelease()), \(ProcessInfo.processInfo.activeProcessorCount) CPUs, load average \(loadAverage())")

        var results: [FirewallScenario: [Measurement]] = [:]
        for rep in 0..<reps {
            // Rotate the order so that no scenario always runs first or right after a heavy one.
            let order = scenarios.indices.map { scenarios[($0 + rep) % scenarios.count] }
            for scenario in order {
                try await scenario.configure(link: link, firewall: firewall, rulesetPath: rulesetPath, bans: bans,
                                             rules: rules, legacyAvailable: legacyAvailable)
                results[scenario, default: []].append(try await measure(link: link, seconds: seconds, payload: payload))
            }
        }
        try await VethLink.run(in: link.receiver, ["nft", "flush", "ruleset"])

        print("")
        print("  " + "scenario".padding(toLength: 46, withPad: " ", startingAt: 0)
              + "received/s".leftPadded(12) + "sent/s".leftPadded(12) + "queue drops".leftPadded(13)
              + "sender cpu".leftPadded(12) + "waited".leftPadded(8) + "ksoftirqd".leftPadded(11)
              + "receiver cpu".leftPadded(14) + "per CPU-s".leftPadded(11))
        for scenario in scenarios {
            let samples = results[scenario] ?? []
            let median = Measurement.median(samples)
            print("  " + scenario.label(bans: bans, rules: rules).padding(toLength: 46, withPad: " ", startingAt: 0)
                  + Int(median.receivedPerSecond).formatted().leftPadded(12) + Int(median.sentPerSecond).formatted().leftPadded(12)
                  + median.queueDrops.formatted().leftPadded(13) + percent(median.senderBusy).leftPadded(12)
                  + percent(median.senderWaiting).leftPadded(8) + percent(median.softirqBusy).leftPadded(11)
                  + percent(median.receiverBusy).leftPadded(14) + Int(median.receivedPerCPUSecond).formatted().leftPadded(11))
            print("    runs received/s: " + samples.map { Int($0.receivedPerSecond).formatted() }.joined(separator: ", "))
            print("BENCH name=pps.\(scenario.rawValue) " + String(format: "received_pps=%.0f sent_pps=%.0f per_cpu_second=%.0f queue_drops=%d sender_cpu=%.2f sender_wait=%.2f softirq_cpu=%.2f receiver_cpu=%.2f bans=%d rules=%d seconds=%d reps=%d",
                         median.receivedPerSecond, median.sentPerSecond, median.receivedPerCPUSecond, median.queueDrops,
                         median.senderBusy, median.senderWaiting, median.softirqBusy, median.receiverBusy, bans, rules, seconds, reps))
        }
        print("BENCH name=pps.iptables_version text=\"\(iptablesVersion)\"")
        if let bare = results[.none].map(Measurement.median) {
            print(String(format: "  bottleneck: the sending core. veth delivers each packet in the sender's softirq, so that one "
                         + "core runs the system call, IP, netfilter and UDP up to the socket queue (sender thread %.0f%% of a "
                         + "CPU, %.0f%% waiting for one while other jobs ran; receiver thread %.0f%%, socket queue drops %d).",
                         bare.senderBusy * 100, bare.senderWaiting * 100, bare.receiverBusy * 100, bare.queueDrops))
        }
        print("  (sender cpu: share of one CPU the sending thread ran, including the softirq receive path and the")
        print("   firewall it drives; waited: share it spent runnable but waiting for a CPU, i.e. other load;")
        print("   ksoftirqd: deferred receive work (all CPUs, other load included); per CPU-s: packets received per")
        print("   CPU-second of sender + ksoftirqd, the figure that other load on the machine moves least)")
    }

    /// Starts receiver and sender afresh, lets ARP and caches settle, then counts for `seconds`.
    static func measure(link: VethLink, seconds: Int, payload: Int) async throws -> Measurement {
        let sinkSocket = try await link.receiver.run { try UDPSink.boundSocket(port: port) }
        let floodSocket = try await link.sender.run {
            try UDPFlood.connectedSocket(from: VethLink.senderAddress, to: VethLink.receiverAddress, port: port)
        }
        let sink = UDPSink.start(socket: sinkSocket)
        let flood = UDPFlood.start(socket: floodSocket, payloadSize: payload)
        try await Task.sleep(for: .milliseconds(500))
        let dropsBefore = try await link.receiver.run { UDPCounters.receiveBufferErrors() }
        let sentBefore = flood.packets.load(ordering: .relaxed)
        let receivedBefore = sink.packets.load(ordering: .relaxed)
        let (senderBefore, receiverBefore, softirqBefore) = (flood.schedstat, sink.schedstat, SoftirqThreads.runTime())
        let start = ContinuousClock.now
        try await Task.sleep(for: .seconds(seconds))
        let sent = flood.packets.load(ordering: .relaxed) - sentBefore
        let received = sink.packets.load(ordering: .relaxed) - receivedBefore
        let (senderAfter, receiverAfter, softirqAfter) = (flood.schedstat, sink.schedstat, SoftirqThreads.runTime())
        let elapsed = inSeconds(ContinuousClock.now - start)
        let dropsAfter = try await link.receiver.run { UDPCounters.receiveBufferErrors() }
        flood.stop()
        sink.stop()
        return Measurement(
            sentPerSecond: Double(sent) / elapsed, receivedPerSecond: Double(received) / elapsed,
            queueDrops: dropsAfter - dropsBefore,
            senderBusy: inSeconds(senderAfter.run - senderBefore.run) / elapsed,
            senderWaiting: inSeconds(senderAfter.wait - senderBefore.wait) / elapsed,
            receiverBusy: inSeconds(receiverAfter.run - receiverBefore.run) / elapsed,
            softirqBusy: inSeconds(softirqAfter - softirqBefore) / elapsed)
    }

    static func inSeconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func percent(_ share: Double) -> String { String(format: "%.0f%%", share * 100) }

    static func kernelRelease() -> String {
        (try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
    }

    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(separator: " ")
    }
}
