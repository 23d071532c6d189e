import Logging
import ServiceLifecycle

/// Runs one `LogFollower` as a service: hands each batch to `handler` (parse, feed the ban engine, persist
/// the position) and stops at graceful shutdown after the batch in hand is handled.
///
/// A follower error (the log directory is missing, a read fails) ends the service with that error; the
/// service group decides whether that stops the daemon.
public struct LogFollowerService: Service {
    private let follower: LogFollower
    private let handler: @Sendable (LogBatch) async throws -> Void

    public init(follower: LogFollower, handler: @escaping @Sendable (LogBatch) async throws -> Void) {
        self.follower = follower
        self.handler = handler
    }

    public func run() async throws {
        for try await batch in follower.cancelOnGracefulShutdown() {
            try await handler(batch)
        }
    }
}
