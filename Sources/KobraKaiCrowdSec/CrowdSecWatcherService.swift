import Foundation
import KobraKaiAddress
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
        /// Targets whose decisions of ours must be deleted from the LAPI (an operator unbanned them).
        var deletions: [IPPrefix] = []
        var nextSequence: UInt64 = 0
        var health = CrowdSecHealth()
        var password: String
        /// Set when the password changed: the next push logs in again with the new one.
        var credentialsChanged = false
        /// Graceful shutdown began: push what is queued, then return.
        var draining = false
    }

    private let client: LocalAPIClient
    private let machineID: String
    private let scenario: String
    /// What this machine's decisions carry, so that its own bouncer can tell them apart.
    public let decisionScenario: String
    private let capacity: Int
    private let batchSize: Int
    private let renewBefore: Duration
    private let drainTimeout: Duration
    private let initialBackoff: RetryBackoff
    private let logger: Logger
    private let state: Mutex<State>
    private let signals: AsyncStream<Void>
    private let signal: AsyncStream<Void>.Continuation

    /// - Parameters:
    ///   - machineID, password: the machine from `cscli machines add` (validated).
    ///   - scenario: the scenario name the alerts carry; their decisions carry `<scenario> by <machineID>`.
    ///   - capacity: the most bans waiting while the LAPI is down.
    ///   - batchSize: alerts per `POST /v1/alerts`.
    ///   - renewBefore: log in again this long before the JWT expires.
    ///   - drainTimeout: at graceful shutdown, how long queued bans (the engine's last flush included) may
    ///     take to reach the LAPI before the service gives up on them.
    public init(
        client: LocalAPIClient, machineID: String, password: String, scenario: String = "kobrakai/voip-attack",
        capacity: Int = 10_000, batchSize: Int = 100, renewBefore: Duration = .seconds(300), drainTimeout: Duration = .seconds(5),
        backoff: RetryBackoff = RetryBackoff(), logger: Logger = Logger(label: "kobrakai.crowdsec.watcher")
    ) {
        precondition(capacity > 0 && batchSize > 0, "queue bounds")
        self.client = client
        self.machineID = machineID
        self.scenario = scenario
        self.decisionScenario = CrowdSecAlert.decisionScenario(scenario: scenario, machineID: machineID)
        self.capacity = capacity
        self.batchSize = batchSize
        self.renewBefore = renewBefore
        self.drainTimeout = drainTimeout
        self.initialBackoff = backoff
        self.logger = logger
        self.state = Mutex(State(password: password))
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

    /// An operator lifted these bans: delete this machine's decisions for them on the LAPI (so neither the
    /// fleet nor a full pull brings them back), and forget any not pushed yet. Never blocks.
    public func enqueueDeletion(_ targets: [IPPrefix]) {
        guard !targets.isEmpty else { return }
        state.withLock { state in
            let lifted = Set(targets)
            state.queue.removeAll { lifted.contains($0.ban.target) }
            state.deletions += targets.filter { !state.deletions.contains($0) }
            state.health.pending = state.queue.count
        }
        signal.yield()
    }

    /// A new machine password (`kobrakai reload` re-read it): the next push logs in with it.
    public func updatePassword(_ password: String) {
        state.withLock { state in
            guard state.password != password else { return }
            state.password = password
            state.credentialsChanged = true
        }
        signal.yield()
    }

    /// Runs until cancelled; at graceful shutdown keeps pushing until the queue is empty or `drainTimeout`
    /// has passed. The daemon stops the engine before the watcher, so the engine's last bans are in the queue.
    public func run() async throws {
        let (drainStarted, startDrain) = AsyncStream.makeStream(of: Void.self)
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await self.pushLoop() }
                group.addTask {
                    for await _ in drainStarted { break }
                    guard !Task.isCancelled else { return }
                    try? await Task.sleep(for: self.drainTimeout)
                }
                await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.state.withLock { $0.draining = true }
            startDrain.yield()
            self.signal.yield()
        }
        let left = state.withLock { $0.queue.count + $0.deletions.count }
        if left > 0 { logger.warning("stopping with CrowdSec pushes not delivered", metadata: ["waiting": "\(left)"]) }
    }

    private enum Work {
        case delete(IPPrefix)
        case push([Queued])
    }

    private func nextWork() -> (work: Work?, draining: Bool) {
        state.withLock { state in
            if let target = state.deletions.first { return (.delete(target), state.draining) }
            let batch = Array(state.queue.prefix(batchSize))
            return (batch.isEmpty ? nil : .push(batch), state.draining)
        }
    }

    private func pushLoop() async throws {
        var wakeUps = signals.makeAsyncIterator()
        var token: WatcherToken?
        var backoff = initialBackoff
        var reloggedAfterRefusal = false
        while !Task.isCancelled {
            let (next, draining) = nextWork()
            guard let work = next else {
                if draining { return }
                if await wakeUps.next() == nil { return }
                continue
            }
            if state.withLock({ $0.credentialsChanged }) {
                token = nil
                state.withLock { $0.credentialsChanged = false }
            }
            do {
                switch work {
                case .delete(let target):
                    let current = try await validToken(&token)
                    let deleted = try await client.deleteDecisions(target: target, scenario: decisionScenario, token: current.token)
                    state.withLock { $0.deletions.removeAll { $0 == target } }
                    logger.info("deleted KobraKai's CrowdSec decisions after an unban", metadata: ["target": "\(target)", "deleted": "\(deleted)"])
                case .push(let batch):
                    let pushed = try await push(batch.map(\.ban), token: &token)
                    let last = batch[batch.count - 1].sequence
                    state.withLock { state in
                        state.queue.removeAll { $0.sequence <= last }
                        state.health.applied += pushed
                        state.health.skipped += batch.count - pushed
                        state.health.pending = state.queue.count
                    }
                }
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
                    logger.error("\(error.message)", metadata: ["retry_in": "\(delay)"])
                }
                try await Task.sleep(for: delay)
                continue
            }
            let recovered = backoff.failures > 0
            backoff.reset()
            reloggedAfterRefusal = false
            state.withLock { $0.health.recordSuccess() }
            if recovered { logger.info("CrowdSec LAPI accepts KobraKai's alerts again") }
        }
    }

    /// The current token, logging in when there is none or it is about to expire.
    private func validToken(_ token: inout WatcherToken?) async throws(CrowdSecError) -> WatcherToken {
        if let token, token.expiresAt.addingTimeInterval(-renewBefore.seconds) > Date() { return token }
        let password = state.withLock { $0.password }
        let fresh = try await client.login(machineID: machineID, password: password, scenarios: [scenario])
        token = fresh
        return fresh
    }

    /// Logs in when needed and pushes the bans that still have time left; returns how many were pushed.
    private func push(_ bans: [WatcherBan], token: inout WatcherToken?) async throws(CrowdSecError) -> Int {
        let now = Date()
        let alerts = bans.compactMap {
            CrowdSecAlert(ban: $0, remaining: $0.remaining(at: now), scenario: scenario, decisionScenario: decisionScenario)
        }
        guard !alerts.isEmpty else { return 0 }
        let current = try await validToken(&token)
        try await client.pushAlerts(alerts, token: current.token)
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
