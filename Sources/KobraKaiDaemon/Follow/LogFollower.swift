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

    /// Starts lazily, on the first `next()`.
    public func makeAsyncIterator() -> Iterator {
        Iterator(configuration: configuration, logger: logger, session: nil)
    }

    /// Starts now: when this returns, the directory is watched and the start position is fixed (a file
    /// present is open at its start position; a missing one will be read from its first byte). Lines
    /// written from this point on are delivered by the returned iterator.
    /// - Throws: `SystemCallError` when the directory is missing or the file cannot be opened.
    public func start() throws(SystemCallError) -> Iterator {
        let session = try FollowerSession(configuration: configuration, logger: logger)
        try session.openAtStart()
        return Iterator(configuration: configuration, logger: logger, session: session)
    }

    public struct Iterator: AsyncIteratorProtocol, Sendable {
        private let configuration: LogFollowerConfiguration
        private let logger: Logger
        private var session: FollowerSession?

        init(configuration: LogFollowerConfiguration, logger: Logger, session: FollowerSession?) {
            self.configuration = configuration
            self.logger = logger
            self.session = session
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

    /// Opens the file at its start position now rather than on the first read.
    func openAtStart() throws(SystemCallError) { try engine.openAtStart() }

    func stop() { wake.signal() }

    var truncatedLineCount: Int { engine.truncatedLineCount }
}
