import KobraKaiCore
import Logging
import ServiceLifecycle

/// Deletes expired bans, forgotten offenders, and events and ban history older than the store's retention
/// now and then (hourly by default), so the database stays the size of the active bans plus the report
/// window. A timer, not a polling loop: it does no I/O between runs.
public struct StatePruningService: Service {
    private let store: StateStore
    private let interval: Duration
    private let offenderRetention: Duration
    private let now: @Sendable () -> Timestamp
    private let logger: Logger

    /// - Parameter offenderRetention: how long an address's offence count is remembered after its last
    ///   ban (progressive ban times reach back this far).
    public init(
        store: StateStore, interval: Duration = .seconds(3600), offenderRetention: Duration = .seconds(30 * 86_400),
        now: @escaping @Sendable () -> Timestamp = { Timestamp.wallClock() },
        logger: Logger = Logger(label: "kobrakai.state")
    ) {
        self.store = store
        self.interval = interval
        self.offenderRetention = offenderRetention
        self.now = now
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let current = now()
                let removed = try await store.pruneExpired(now: current, offenderRetention: offenderRetention)
                let history = try await store.pruneHistory(now: current)
                if removed.bans + removed.offenders + history.events + history.bans > 0 {
                    logger.debug("pruned state", metadata: [
                        "bans": "\(removed.bans)", "offenders": "\(removed.offenders)",
                        "events": "\(history.events)", "ban_history": "\(history.bans)",
                    ])
                }
            } catch {
                logger.error("pruning the state database failed", metadata: ["error": "\(error)"])
            }
            do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) } } catch { return }
        }
    }
}
