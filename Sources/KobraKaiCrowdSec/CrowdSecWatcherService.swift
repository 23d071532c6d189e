import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Pushes KobraKai's own bans to a CrowdSec Local API as alerts carrying a decision, so that every other
/// bouncer of the fleet bans the same attackers.
///
/// `enqueue` returns at once: local banning never waits on the LAPI. Bans wait in a bounded queue (the
/// oldest are dropped when it is full) and are pushed in batches; while the LAPI is down the service
/// retries with backoff and jitter, and what is left of each ban's time when it finally gets through is
/// what the fleet gets. The JWT is renewed before it expires, and a 401 forces a new login.
public final class CrowdSecWatcherService: Service, Sendable {
    private struct Queued: Sendable {
        var sequence: UInt64
        var ban: WatcherBan
    }

    private struct State: Sendable {
        var queue: [Queued] = []
        var nextSequence: UInt64 = 0
        var health = CrowdSecHealth()
    }

    private let client: LocalAPIClient
    private let machineID: String
    private let password: String
    private let scenario: String
    private let capacity: Int
    private let batchSize: Int
    private let renewBefore: Duration
    private let initialBackoff: RetryBackoff
    private let logger: Logger
    private let state = Mutex(State())
    private let signals: AsyncStream<Void>
    private let signal: AsyncStream<Void>.Continuation

    /// - Parameters:
    ///   - machineID, password: the machine from `cscli machines add` (validated).
    ///   - scenario: the scenario name the alerts and their decisions carry.
    ///   - capacity: the most bans waiting while the LAPI is down.
    ///   - batchSize: alerts per `POST /v1/alerts`.
    ///   - renewBefore: log in again this long before the JWT expires.
    public init(
        client: LocalAPIClient, machineID: String, password: String, scenario: String = "kobrakai/voip-attack",
        capacity: Int = 10_000, batchSize: Int = 100, renewBefore: Duration = .seconds(300),
        backoff: RetryBackoff = RetryBackoff(), logger: Logger = Logger(label: "kobrakai.crowdsec.watcher")
    ) {
        precondition(capacity > 0 && batchSize > 0, "queue bounds")
        self.client = client
        self.machineID = machineID
        self.password = password
        self.scenario = scenario
        self.capacity = capacity
        self.batchSize = batchSize
        self.renewBefore = renewBefore
        self.initialBackoff = backoff
        self.logger = logger
        (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// A snapshot for status and metrics (`pending` = bans waiting, `applied` = alerts accepted).
    public var health: CrowdSecHealth { state.withLock { $0.health } }

    /// Queues a ban for the fleet. Never blocks and never fails; when the queue is full the oldest ban
    /// is dropped (and counted in `health.skipped`).
    public func enqueue(_ ban: WatcherBan) {
        state.withLock { state in
            state.queue.append(Queued(sequence: state.nextSequence, ban: ban))
            state.nextSequence += 1
            if state.queue.count > capacity {
                state.queue.removeFirst(state.queue.count - capacity)
                state.health.skipped += 1
            }
            state.health.pending = state.queue.count
        }
        signal.yield()
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown { [self] in try await pushLoop() }
    }

    private func pushLoop() async throws {
        var wakeUps = signals.makeAsyncIterator()
        var token: WatcherToken?
        var backoff = initialBackoff
        var reloggedAfterRefusal = false
        while !Task.isCancelled {
            let batch = state.withLock { Array($0.queue.prefix(batchSize)) }
            guard let last = batch.last else {
                if await wakeUps.next() == nil { return }
                continue
            }
            let pushed: Int
            do {
                pushed = try await push(batch.map(\.ban), token: &token)
            } catch {
                // A token the LAPI no longer knows (it restarted with a new signing secret): log in again at
                // once, but only once in a row, so a machine that was deleted does not spin.
                if error.code == .unauthorized, token != nil, !reloggedAfterRefusal {
                    logger.info("the CrowdSec LAPI refused the watcher token; logging in again")
                    token = nil
                    reloggedAfterRefusal = true
                    continue
                }
                token = nil
                let delay = backoff.nextDelay()
                let failures = state.withLock {
                    $0.health.recordFailure(error)
                    return $0.health.consecutiveFailures
                }
                if failures == 1 || failures % 10 == 0 {
                    logger.error("\(error.message)", metadata: ["retry_in": "\(delay)", "waiting": "\(batch.count)+"])
                }
                try await Task.sleep(for: delay)
                continue
            }
            let recovered = backoff.failures > 0
            backoff.reset()
            reloggedAfterRefusal = false
            state.withLock { state in
                state.queue.removeAll { $0.sequence <= last.sequence }
                state.health.recordSuccess()
                state.health.applied += pushed
                state.health.skipped += batch.count - pushed
                state.health.pending = state.queue.count
            }
            if recovered { logger.info("CrowdSec LAPI accepts KobraKai's alerts again") }
        }
    }

    /// Logs in when needed and pushes the bans that still have time left; returns how many were pushed.
    private func push(_ bans: [WatcherBan], token: inout WatcherToken?) async throws(CrowdSecError) -> Int {
        let current: WatcherToken
        if let token, token.expiresAt.addingTimeInterval(-renewBefore.seconds) > Date() {
            current = token
        } else {
            current = try await client.login(machineID: machineID, password: password, scenarios: [scenario])
            token = current
        }
        let now = Date()
        let alerts = bans.compactMap { CrowdSecAlert(ban: $0, remaining: $0.remaining(at: now), scenario: scenario) }
        if !alerts.isEmpty { try await client.pushAlerts(alerts, token: current.token) }
        return alerts.count
    }
}

extension Duration {
    /// Seconds as a floating-point number, for `Date` arithmetic.
    var seconds: TimeInterval {
        let (whole, attoseconds) = components
        return TimeInterval(whole) + TimeInterval(attoseconds) / 1e18
    }
}
