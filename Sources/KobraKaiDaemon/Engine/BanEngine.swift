import KobraKaiAddress
import KobraKaiCore
import KobraKaiFirewall
import Logging
import ServiceLifecycle

/// Feeds security events to the policy and enforces its decisions: the decisions of one short tick become
/// ONE firewall transaction (one netlink batch), then are recorded in the state store together with the
/// log positions of the lines that caused them (one SQLite transaction).
///
/// Under a flood (thousands of REGISTERs a second from hundreds of sources) this turns hundreds of
/// decisions into a handful of kernel round trips, where tools that fork `nft` or `iptables` per ban fall
/// minutes behind. At graceful shutdown the pending batch is flushed before `run()` returns.
public actor BanEngine: Service {
    private let events: AsyncStream<SecurityEvent>
    var policy: any BanDeciding
    let firewall: any Firewall
    let store: StateStore
    let rulesetGuard: (any RulesetGuard)?
    var allowlist: ProtectedAddresses
    private let tick: Duration
    let now: @Sendable () -> Timestamp
    let logger: Logger

    private var pending: [IPPrefix: EngineBan] = [:]
    /// Positions of log batches whose events were observed but not yet written: they go into the same
    /// transaction as the bans those events caused, so a crash never saves a position past unrecorded bans.
    private var pendingPositions: [String: FilePosition] = [:]
    private let signals: AsyncStream<Void>
    private let signalContinuation: AsyncStream<Void>.Continuation
    /// Attack events (severity above informational) observed since the last flush, for the report history
    /// (written with the flush's bans).
    private var pendingEvents: [StoredEvent] = []
    /// Each flush's bans, events and positions, written in order by one writer task (what piled up during a
    /// transaction shares the next one): the next transaction to the kernel never waits for SQLite.
    private let writes = StateWriteQueue()
    var repairInProgress = false
    /// Every ban in force, so that a repair restores without reading the state database.
    var activeBans = ActiveBans()
    /// Bans that found the ruleset missing, applied again once the repair that follows has run.
    var bansAwaitingRepair: [BanRequest] = []
    public internal(set) var statistics = BanEngineStatistics()
    /// The last events seen (all sources), for `test-ip`.
    public private(set) var recentEvents = BoundedRing<ObservedEvent>(capacity: 1024)
    /// The last bans applied, for `status`.
    public internal(set) var recentBans = BoundedRing<BanRecord>(capacity: 10)
    let onBansApplied: (@Sendable ([BanRecord]) -> Void)?
    /// Called, in order, after a re-created ruleset got the store's bans back (bans kept elsewhere need a
    /// resync: CrowdSec's, APIBAN's, the blocklists').
    var rulesetRepairedHandlers: [@Sendable () -> Void] = []
    /// Events by rule and service, bans by reason and origin (no-op backend unless metrics are enabled).
    var metrics: EngineMetrics
    /// Told of bans lifted by an operator or by a reloaded allowlist (the watcher deletes our CrowdSec decisions).
    var onBansLifted: (@Sendable ([IPPrefix]) -> Void)?

    /// - Parameters:
    ///   - events: events pushed by sources without positions (AMI); log followers call `observe(_:path:position:)`.
    ///   - tick: how long decisions are gathered before one transaction. Zero (the daemon's choice) sends
    ///     at once and batches whatever piles up during a transaction in flight; a log batch's decisions
    ///     always share one transaction.
    ///   - now: the wall clock (tests pass a fixed one).
    ///   - rulesetGuard: re-creates the table and sets when they vanish; `nil` for dry runs and tests.
    ///   - onBansApplied: told of every new ban (policy and operator, not restores), e.g. to push it to
    ///     CrowdSec; called on the engine's executor, so it must return at once. Several consumers
    ///     (watcher, alerts) share it through `BanConsumers`.
    ///   - metrics: where events and bans are counted.
    public init(
        events: AsyncStream<SecurityEvent>, policy: any BanDeciding, firewall: any Firewall, store: StateStore,
        allowlist: ProtectedAddresses, rulesetGuard: (any RulesetGuard)? = nil, tick: Duration = .milliseconds(2),
        now: @escaping @Sendable () -> Timestamp = { Timestamp.wallClock() },
        onBansApplied: (@Sendable ([BanRecord]) -> Void)? = nil,
        logger: Logger = Logger(label: "kobrakai.engine"), metrics: DaemonMetrics = .disabled
    ) {
        self.metrics = EngineMetrics(metrics: metrics)
        self.onBansApplied = onBansApplied
        self.events = events
        self.policy = policy
        self.firewall = firewall
        self.store = store
        self.allowlist = allowlist
        self.rulesetGuard = rulesetGuard
        self.tick = tick
        self.now = now
        self.logger = logger
        (signals, signalContinuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Adds something to run after each ruleset repair (at assembly: the bouncer and the feeds exist after the engine).
    public func addRulesetRepairedHandler(_ handler: @escaping @Sendable () -> Void) { rulesetRepairedHandlers.append(handler) }

    /// Sets what runs after an operator unban or an allowlist reload lifted bans (set once at assembly).
    public func setOnBansLifted(_ handler: @escaping @Sendable ([IPPrefix]) -> Void) { onBansLifted = handler }

    /// Replaces the allowlist (configuration reload); pending decisions are re-checked at flush.
    public func updateAllowlist(_ allowlist: ProtectedAddresses) { self.allowlist = allowlist }

    public func run() async throws {
        let signals = self.signals
        let (writes, store, logger) = (self.writes, self.store, self.logger)
        let writer = Task { await writes.runWriter(store: store, logger: logger) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Each signal opens a tick: decisions arriving during it join the same transaction.
                for await _ in signals {
                    // With a zero tick the batching is adaptive: the first decision goes out at once, and
                    // whatever arrives while that transaction is in flight goes out together in the next one.
                    if self.tick > .zero { try? await Task.sleep(for: self.tick) }
                    if Task.isCancelled { return }
                    await self.flush()
                }
            }
            // Events are observed on the actor itself: no hop per event, and flushes interleave at awaits.
            for await event in events.cancelOnGracefulShutdown() { observe(event) }
            // Input ended or shutdown began: stop the timer and send what is pending right away.
            group.cancelAll()
        }
        signalContinuation.finish()
        await flush()
        writes.finish()
        await writer.value
    }

    /// Feeds the events of one log batch and remembers the position after it: written in the same
    /// transaction as the bans these events cause (or on its own at the next tick when they cause none).
    public func observe(_ events: [SecurityEvent], path: String, position: FilePosition) {
        for event in events { observe(event) }
        pendingPositions[path] = position
        signalContinuation.yield()
    }

    /// Events seen recently from `address` (newest last).
    public func recentEvents(from address: IPAddress, limit: Int = 10) -> [ObservedEvent] {
        Array(recentEvents.elements.filter { $0.event.address == address }.suffix(limit))
    }

    private func observe(_ event: SecurityEvent) {
        statistics.eventsObserved += 1
        metrics.recordEvent(event)
        let current = now()
        recentEvents.append(ObservedEvent(receivedAt: current, event: event))
        // The history is of attacks: successful logins and challenges (informational) would fill it with the
        // office's own phones and drown the attackers in the report.
        if event.severity > .informational {
            pendingEvents.append(StoredEvent(event, receivedAt: current))
            signalContinuation.yield()
        }
        for decision in policy.observe(event, now: current) {
            if let entry = allowlist.entry(overlapping: decision.target) {
                statistics.bansRefusedByAllowlist += 1
                logger.notice("ban refused: allowlisted", metadata: ["target": "\(decision.target)", "allowlist": "\(entry)", "reason": "\(decision.reason)"])
                continue
            }
            // Two decisions for one target in a tick: keep the longer ban.
            if let earlier = pending[decision.target], earlier.duration >= decision.duration { continue }
            pending[decision.target] = decision
            signalContinuation.yield()
        }
    }

    func flush() async {
        guard !pending.isEmpty || !pendingPositions.isEmpty || !pendingEvents.isEmpty else { return }
        let positions = pendingPositions
        pendingPositions.removeAll()
        let events = pendingEvents
        pendingEvents.removeAll(keepingCapacity: true)
        let decisions = pending.values.filter { allowlist.entry(overlapping: $0.target) == nil }.sorted { $0.target < $1.target }
        pending.removeAll()
        let current = now()
        let (accepted, rulesetMissing) = await enforce(decisions)
        let records = accepted.map {
            BanRecord(target: $0.target, expiresAt: current + $0.duration, reason: $0.reason, origin: $0.origin, createdAt: current)
        }
        writes.enqueue(StateChanges(bans: records, positions: positions, events: events))
        if !records.isEmpty { onBansApplied?(records) }
        for (decision, record) in zip(accepted, records) {
            metrics.recordBan(rule: decision.rule, origin: decision.origin)
            activeBans.insert(record)
            recentBans.append(record)
            logger.notice("banned", metadata: ["target": "\(decision.target)", "for": "\(DurationText.format(decision.duration))", "reason": "\(decision.reason)"])
        }
        // The store may not hold them yet (the writer is asynchronous) and a running repair read it earlier:
        // the repair applies them once it has restored the store's bans.
        if rulesetMissing {
            bansAwaitingRepair += records.map { BanRequest(target: $0.target, timeout: $0.expiresAt.since(current), comment: $0.reason) }
            await repairRuleset(trigger: "a ban found the table or a set missing")
        }
    }

    /// Sends one transaction; returns the decisions to record and whether the ruleset was missing.
    private func enforce(_ decisions: [EngineBan]) async -> (accepted: [EngineBan], rulesetMissing: Bool) {
        guard !decisions.isEmpty else { return ([], false) }
        let requests = decisions.map { BanRequest(target: $0.target, timeout: $0.duration, comment: $0.reason) }
        var rejectedTargets = Set<IPPrefix>()
        var rulesetMissing = false
        statistics.transactions += 1
        do {
            for rejection in try await firewall.ban(requests) {
                rejectedTargets.insert(rejection.request.target)
                statistics.bansRejectedByFirewall += 1
                logger.warning("ban rejected", metadata: ["target": "\(rejection.request.target)", "error": "\(rejection.error)"])
            }
        } catch {
            statistics.firewallFailures += 1
            logger.error("ban transaction failed", metadata: ["count": "\(requests.count)", "error": "\(error)"])
            // With the sets missing or the outcome unknown, the bans are still recorded: the restore after
            // the ruleset returns puts them in place. Other failures drop them.
            guard error.code == .rulesetMissing || error.code == .outcomeUnknown else { return ([], false) }
            rulesetMissing = error.code == .rulesetMissing
        }
        let accepted = decisions.filter { !rejectedTargets.contains($0.target) }
        statistics.bansApplied += accepted.count
        return (accepted, rulesetMissing)
    }
}
