import CMnl
import Dispatch
import Foundation
import KobraKaiFirewall
import Synchronization

/// A dedicated thread living in its own, fresh network namespace, that runs jobs submitted to it.
///
/// `unshare(CLONE_NEWNET)` affects only the calling thread, so it must never run on a Swift-concurrency pool
/// thread (it would leak the namespace into unrelated tasks). Sockets opened by a job stay bound to this
/// namespace wherever they are used later, and processes spawned by a job inherit it. Used by the kernel
/// tests and the benchmark to program nftables without touching the host's ruleset; the namespace dies
/// with its last socket and this thread.
public final class NetworkNamespaceThread: Sendable {
    /// Shared with the thread's closure (Mutex is non-copyable, so it lives in a reference).
    private final class JobQueue: Sendable {
        let jobs = Mutex<[@Sendable () -> Void]>([])
        let wakeUp = DispatchSemaphore(value: 0)
        let stopped = Mutex(false)
    }

    /// The errno of a failed `unshare`, handed from the new thread back to the initialiser.
    private final class UnshareOutcome: Sendable {
        let errorCode = Mutex<Int32>(0)
    }

    private let queue = JobQueue()

    /// Starts the thread and moves it into a new network namespace.
    /// - Throws: `.permissionDenied` when the process may not create namespaces (needs CAP_SYS_ADMIN, e.g.
    ///   root or `unshare -Urn`), with the errno in the message.
    public init() throws(FirewallError) {
        let ready = DispatchSemaphore(value: 0)
        let queue = self.queue
        let outcome = UnshareOutcome()
        let thread = Thread {
            if cmnl_unshare_network_namespace() != 0 {
                outcome.errorCode.withLock { $0 = errno }
                ready.signal()
                return
            }
            ready.signal()
            while true {
                queue.wakeUp.wait()
                if queue.stopped.withLock({ $0 }) { return }
                let job = queue.jobs.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                job?()
            }
        }
        thread.name = "kobrakai-netns"
        thread.start()
        ready.wait()
        let errorCode = outcome.errorCode.withLock { $0 }
        if errorCode != 0 {
            throw FirewallError(.permissionDenied, "cannot create a private network namespace: unshare(CLONE_NEWNET) "
                                + "failed with \(KernelErrorMapper.describe(errorCode)); run as root (or under unshare -Urn)",
                                errno: errorCode)
        }
    }

    deinit {
        queue.stopped.withLock { $0 = true }
        queue.wakeUp.signal()
    }

    /// Runs `body` on the namespace thread and returns its result.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            enqueue {
                continuation.resume(with: Result { try body() })
            }
        }
    }

    /// Runs `body` on the namespace thread, blocking the caller until it is done (for synchronous callers
    /// such as the benchmark's main thread).
    public func runBlocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Result<T, any Error>?>(nil)
        enqueue {
            let outcome = Result { try body() }
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }

    private func enqueue(_ job: @escaping @Sendable () -> Void) {
        queue.jobs.withLock { $0.append(job) }
        queue.wakeUp.signal()
    }
}
