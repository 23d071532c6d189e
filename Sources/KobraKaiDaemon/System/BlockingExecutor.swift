import Dispatch

/// Runs blocking system calls (poll, accept, read on sockets) off Swift's cooperative thread pool.
///
/// The cooperative pool has one thread per core (two on a small PBX): a single blocked `poll` there would
/// stall every task in the daemon. Each call gets its own serial Dispatch queue, which Dispatch backs with an
/// overcommitting thread that may block freely.
enum BlockingExecutor {
    static func run<Result: Sendable, Failure: Error>(
        _ label: String, _ body: @escaping @Sendable () throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        let outcome: Swift.Result<Result, Failure> = await withCheckedContinuation { continuation in
            DispatchQueue(label: "kobrakai.\(label)").async {
                continuation.resume(returning: Swift.Result { () throws(Failure) -> Result in try body() })
            }
        }
        return try outcome.get()
    }
}
