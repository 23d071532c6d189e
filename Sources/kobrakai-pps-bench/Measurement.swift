import Foundation

/// One timed window of one scenario.
struct Measurement: Sendable {
    var sentPerSecond: Double
    var receivedPerSecond: Double
    /// Datagrams the kernel dropped because the receiver's socket queue was full (UDP RcvbufErrors).
    var queueDrops: Int
    /// Share of one CPU each thread ran (system-call and softirq work included) and spent waiting for one.
    var senderBusy: Double
    var senderWaiting: Double
    var receiverBusy: Double
    /// Share of one CPU the kernel's ksoftirqd threads ran: receive-path work deferred out of the sender's
    /// system call when there is too much of it (all of them, so other load on the machine shows up too).
    var softirqBusy: Double

    /// Packets received per second of CPU spent on the path that carries them: the sending thread (which
    /// runs the veth receive path and the firewall in its softirq) plus ksoftirqd. Unlike the rate itself,
    /// this hardly moves when other jobs take CPU time away from the benchmark.
    var receivedPerCPUSecond: Double { receivedPerSecond / max(senderBusy + softirqBusy, 0.001) }

    /// The measurement whose received rate is the median of `samples`.
    static func median(_ samples: [Measurement]) -> Measurement {
        samples.sorted { $0.receivedPerSecond < $1.receivedPerSecond }[samples.count / 2]
    }
}

/// CPU time of the kernel's softirq threads (/proc/PID/schedstat of every `ksoftirqd/N`).
enum SoftirqThreads {
    static func runTime() -> Duration {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        var total = Duration.zero
        for entry in entries where entry.first?.isNumber == true {
            guard let name = try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8),
                  name.hasPrefix("ksoftirqd/"),
                  let text = try? String(contentsOfFile: "/proc/\(entry)/schedstat", encoding: .utf8),
                  let run = text.split(separator: " ").first.flatMap({ Int64($0) })
            else { continue }
            total += .nanoseconds(run)
        }
        return total
    }
}

/// Counters of the receiver namespace's UDP layer (/proc/thread-self/net/snmp, read on its thread).
enum UDPCounters {
    static func receiveBufferErrors() -> Int {
        let text = (try? String(contentsOfFile: "/proc/thread-self/net/snmp", encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("Udp:") }
        guard lines.count >= 2 else { return 0 }
        let names = lines[0].split(separator: " ")
        let values = lines[1].split(separator: " ")
        guard let index = names.firstIndex(of: "RcvbufErrors"), index < values.count else { return 0 }
        return Int(values[index]) ?? 0
    }
}
