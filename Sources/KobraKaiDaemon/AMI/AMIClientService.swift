import KobraKaiCore
import Logging
import ServiceLifecycle

/// The Asterisk Manager Interface client as a service: keeps one logged-in AMI session with
/// `Events: security` to the configured manager and delivers its security events (origin `.ami`) to
/// `deliver`, reconnecting with exponential backoff and full jitter, and backing off much longer when the
/// manager refuses the credentials.
///
/// The socket work runs on one dedicated thread (blocking `poll`, never on Swift's cooperative pool);
/// `run()` awaits it. Graceful shutdown or cancellation sends Logoff, waits at most
/// `settings.logoffGrace` for the Goodbye, closes, and returns.
///
/// Wiring: give `deliver` the continuation of the stream the `BanEngine` consumes
/// (`deliver: { continuation.yield($0) }`), read `health` for `kobrakai status`, and call `reload(_:)`
/// with freshly loaded settings on SIGHUP.
public final class AMIClientService: Service, Sendable {
    private let shared: AMIClientShared

    /// - Parameters:
    ///   - settings: from `AMIClientSettings.load(configuration.ami)`.
    ///   - onHealthChange: called (on the worker thread, keep it short) after every health change;
    ///     for systemd STATUS lines, metrics and tests.
    ///   - deliver: called on the worker thread for each security event, in arrival order.
    /// - Throws: `SystemCallError` when the wake-up pipe cannot be created (descriptor exhaustion).
    public init(
        settings: AMIClientSettings, logger: Logger = Logger(label: "kobrakai.ami"),
        onHealthChange: (@Sendable (AMIClientHealth) -> Void)? = nil,
        deliver: @escaping @Sendable (SecurityEvent) -> Void
    ) throws(SystemCallError) {
        shared = AMIClientShared(
            settings: settings, doorbell: try WakeSignal(), logger: logger, onHealthChange: onHealthChange,
            deliver: deliver)
    }

    /// The current health (a snapshot).
    public var health: AMIClientHealth { shared.health }

    /// Applies new settings (configuration reload; the secret file was re-read by `load`). A changed
    /// endpoint, credentials or timing ends the current session with Logoff and reconnects at once; a
    /// client that is backing off, notably after an authentication failure, retries at once.
    public func reload(_ settings: AMIClientSettings) {
        shared.requestReload(settings)
    }

    public func run() async throws {
        let shared = self.shared
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await BlockingExecutor.run("ami") { () throws(Never) in
                    var worker = AMIClientWorker(shared: shared)
                    worker.run()
                }
            } onGracefulShutdown: {
                shared.requestStop()
            }
        } onCancel: {
            shared.requestStop()
        }
    }
}
