import Logging
import ServiceLifecycle

/// Sends `WATCHDOG=1` at the notifier's interval while `isHealthy` says so; systemd restarts the daemon
/// when pings stop (a hung ban engine, a starved thread pool). Returns at graceful shutdown after sending
/// `STOPPING=1`. Without a watchdog interval it only waits for shutdown.
public struct WatchdogService: Service {
    private let notifier: SystemdNotifier
    private let isHealthy: @Sendable () async -> Bool
    private let logger: Logger

    public init(
        notifier: SystemdNotifier, logger: Logger = Logger(label: "kobrakai.systemd"),
        isHealthy: @escaping @Sendable () async -> Bool = { true }
    ) {
        self.notifier = notifier
        self.isHealthy = isHealthy
        self.logger = logger
    }

    public func run() async throws {
        defer { try? notifier.stopping() }
        guard let interval = notifier.watchdogInterval else {
            try? await gracefulShutdown()
            return
        }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            if await isHealthy() {
                do { try notifier.watchdog() } catch { logger.warning("watchdog ping failed", metadata: ["error": "\(error)"]) }
            } else {
                logger.error("unhealthy: withholding the watchdog ping so systemd restarts the daemon")
            }
            do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) } } catch { return }
        }
    }
}
