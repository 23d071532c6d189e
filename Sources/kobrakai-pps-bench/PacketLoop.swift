import Foundation
import Glibc
import Synchronization

/// A blocking socket loop on a dedicated thread (never on Swift's cooperative pool, which has only two
/// threads here), with a packet counter the benchmark samples and the thread's id, so that its CPU time
/// and run-queue wait can be read from /proc.
final class PacketLoop: Sendable {
    let packets = Atomic<Int>(0)
    let stopRequested = Atomic<Bool>(false)
    private let threadID = Atomic<Int32>(0)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts `body` on its own thread; `body` loops until `stopRequested` and adds to `packets`.
    init(name: String, body: @escaping @Sendable (PacketLoop) -> Void) {
        let thread = Thread { [self] in
            threadID.store(Self.currentThreadID(), ordering: .releasing)
            body(self)
            finished.signal()
        }
        thread.name = name
        thread.start()
        while threadID.load(ordering: .acquiring) == 0 { usleep(1000) }
    }

    /// The kernel's id of the calling thread (/proc/thread-self points at PID/task/TID; Glibc's gettid is
    /// not visible to Swift).
    private static func currentThreadID() -> Int32 {
        let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")) ?? ""
        return target.split(separator: "/").last.flatMap { Int32($0) } ?? -1
    }

    func stop() {
        stopRequested.store(true, ordering: .releasing)
        finished.wait()
    }

    var isStopping: Bool { stopRequested.load(ordering: .relaxed) }

    func add(_ count: Int) { packets.add(count, ordering: .relaxed) }

    /// CPU time the thread has run and time it spent runnable but waiting for a CPU (/proc schedstat).
    /// Softirq work done on the thread's CPU while it is in a system call (the veth receive path, the
    /// firewall) counts as its run time.
    var schedstat: (run: Duration, wait: Duration) {
        let path = "/proc/self/task/\(threadID.load(ordering: .acquiring))/schedstat"
        let fields = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: " ")
        guard fields.count > 1, let run = Int64(fields[0]), let wait = Int64(fields[1]) else { return (.zero, .zero) }
        return (.nanoseconds(run), .nanoseconds(wait))
    }
}
