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
