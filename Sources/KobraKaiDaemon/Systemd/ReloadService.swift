import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the configuration on each trigger (SIGHUP in production, from `systemctl reload`), telling
/// systemd RELOADING=1 before and READY=1 with the outcome as STATUS after, so `systemctl reload` waits
/// for the reload to finish.
public struct ReloadService: Service {
    private let triggers: any AsyncSequence<Void, Never> & Sendable
    private let notifier: SystemdNotifier
    private let reload: @Sendable () async throws -> String
    private let logger: Logger

    /// - Parameter reload: re-reads the configuration and applies it; returns a one-line summary. A thrown
    ///   error keeps the old configuration, and its text becomes the STATUS line.
    public init(
        triggers: some AsyncSequence<Void, Never> & Sendable, notifier: SystemdNotifier,
        logger: Logger = Logger(label: "kobrakai.reload"), reload: @escaping @Sendable () async throws -> String
    ) {
        self.triggers = triggers
        self.notifier = notifier
        self.reload = reload
        self.logger = logger
    }

    /// Reloads on SIGHUP.
    public static func onHangup(
        notifier: SystemdNotifier, logger: Logger = Logger(label: "kobrakai.reload"),
        reload: @escaping @Sendable () async throws -> String
    ) async -> ReloadService {
        let hangups = await UnixSignalsSequence(trapping: .sighup).map { _ in () }
        return ReloadService(triggers: hangups, notifier: notifier, logger: logger, reload: reload)
    }

    public func run() async throws {
        for await _ in AnySendableSequence(triggers).cancelOnGracefulShutdown() {
            try? notifier.reloading()
            let status: String
            do {
                status = try await reload()
                logger.notice("configuration reloaded", metadata: ["summary": "\(status)"])
            } catch {
                status = "reload failed, previous configuration kept: \(error)"
                logger.error("configuration reload failed", metadata: ["error": "\(error)"])
            }
            try? notifier.ready(status: status)
        }
    }
}

/// Wraps an existential sequence so it can go through `cancelOnGracefulShutdown()`, which needs a
/// concrete Sendable base.
private struct AnySendableSequence: AsyncSequence, Sendable {
    typealias Element = Void
    let base: any AsyncSequence<Void, Never> & Sendable

    init(_ base: any AsyncSequence<Void, Never> & Sendable) { self.base = base }

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: any AsyncIteratorProtocol<Void, Never>
        mutating func next() async -> Void? { await base.next(isolation: nil) }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator()) }
}
