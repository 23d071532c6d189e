import Logging

/// Follows one log file across rotations as an asynchronous sequence of line batches.
///
/// inotify-driven: the reading thread sleeps in the kernel until the file or its directory changes (no
/// polling loop), and reads only when the consumer asks for the next batch, so a slow consumer slows
/// reading instead of growing a buffer. Iteration ends (returns `nil`) promptly when the consuming task is
/// cancelled, e.g. by `cancelOnGracefulShutdown()`.
///
/// ```swift
/// for try await batch in LogFollower(configuration: .init(path: "/var/log/asterisk/security")) {
///     process(batch.lines)
///     try await store.savePosition(batch.position, for: batch.path)
/// }
/// ```
public struct LogFollower: AsyncSequence, Sendable {
    public typealias Element = LogBatch

    public let configuration: LogFollowerConfiguration
    private let logger: Logger

    public init(configuration: LogFollowerConfiguration, logger: Logger = Logger(label: "kobrakai.follow")) {
        self.configuration = configuration
        self.logger = logger
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(configuration: configuration, logger: logger)
    }

    public struct Iterator: AsyncIteratorProtocol {
        private let configuration: LogFollowerConfiguration
        private let logger: Logger
        private var session: FollowerSession?

        init(configuration: LogFollowerConfiguration, logger: Logger) {
            self.configuration = configuration
            self.logger = logger
        }

        /// The next batch, or `nil` once the task is cancelled.
        /// - Throws: `SystemCallError` when the directory is missing or a read fails.
        public mutating func next() async throws -> LogBatch? {
            if Task.isCancelled { return nil }
            if session == nil { session = try FollowerSession(configuration: configuration, logger: logger) }
            guard let session else { return nil }
            return try await withTaskCancellationHandler {
                try await session.nextBatch()
            } onCancel: {
                session.stop()
            }
        }
    }
}

/// Owns the engine and its wake signal; the engine is only touched from inside `BlockingExecutor` calls,
/// one at a time (an iterator never has two `next()` calls in flight), which is why it may be unchecked.
final class FollowerSession: @unchecked Sendable {
    private let engine: FollowerEngine
    private let wake: WakeSignal

    init(configuration: LogFollowerConfiguration, logger: Logger) throws(SystemCallError) {
        engine = try FollowerEngine(configuration: configuration, logger: logger)
        wake = try WakeSignal()
    }

    func nextBatch() async throws(SystemCallError) -> LogBatch? {
        try await BlockingExecutor.run("follow") { () throws(SystemCallError) -> LogBatch? in
            try self.engine.nextBatch(wake: self.wake)
        }
    }

    func stop() { wake.signal() }

    var truncatedLineCount: Int { engine.truncatedLineCount }
}
