import KobraKaiAddress
import KobraKaiCore
import KobraKaiFirewall
import Logging
import ServiceLifecycle

/// Feeds security events to the policy and enforces its decisions: the decisions of one short tick become
/// ONE firewall transaction (one netlink batch), then are recorded in the state store.
///
/// Under a flood (thousands of REGISTERs a second from hundreds of sources) this turns hundreds of
/// decisions into a handful of kernel round trips, where tools that fork `nft` or `iptables` per ban fall
/// minutes behind. At graceful shutdown the pending batch is flushed before `run()` returns.
public actor BanEngine: Service {
    private let events: AsyncStream<SecurityEvent>
    private var policy: any BanDeciding
    let firewall: any Firewall
    let store: StateStore
    private(set) var allowlist: ProtectedAddresses
    private let tick: Duration
    let now: @Sendable () -> Timestamp
    let logger: Logger

    private var pending: [IPPrefix: EngineBan] = [:]
    private var pendingSignal: AsyncStream<Void>.Continuation?
    public internal(set) var statistics = BanEngineStatistics()

    /// - Parameters:
    ///   - events: every source's events, merged; the engine ends when the stream finishes.
    ///   - tick: how long decisions are gathered before one transaction (a few milliseconds: short enough
    ///     that an attacker gets almost nothing through, long enough to batch a flood).
    ///   - now: the wall clock (tests pass a fixed one).
    public init(
        events: AsyncStream<SecurityEvent>, policy: any BanDeciding, firewall: any Firewall, store: StateStore,
        allowlist: ProtectedAddresses, tick: Duration = .milliseconds(2),
        now: @escaping @Sendable () -> Timestamp = { Timestamp.wallClock() },
        logger: Logger = Logger(label: "kobrakai.engine")
    ) {
        self.events = events
        self.policy = policy
        self.firewall = firewall
        self.store = store
        self.allowlist = allowlist
        self.tick = tick
        self.now = now
        self.logger = logger
    }

    /// Replaces the allowlist (configuration reload); pending decisions are re-checked at flush.
    public func updateAllowlist(_ allowlist: ProtectedAddresses) { self.allowlist = allowlist }

    public func run() async throws {
        let (signals, signalContinuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        pendingSignal = signalContinuation
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Each signal opens a tick: decisions arriving during it join the same transaction.
                for await _ in signals {
                    try? await Task.sleep(for: self.tick)
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
        pendingSignal = nil
        await flush()
    }

    /// Puts back every unexpired ban from the state store with its remaining time, in one transaction:
    /// at start, and whenever the table or sets were found wiped.
    /// - Returns: how many bans were restored.
    @discardableResult
    public func restoreBans() async throws -> Int {
        let current = now()
        let records = try await store.unexpiredBans(now: current)
        let requests = records.compactMap { record -> BanRequest? in
            if let entry = allowlist.entry(overlapping: record.target) {
                logger.warning("not restoring an allowlisted ban", metadata: ["target": "\(record.target)", "allowlist": "\(entry)"])
                return nil
            }
            return BanRequest(target: record.target, timeout: record.remaining(at: current), comment: record.reason)
        }
        guard !requests.isEmpty else { return 0 }
        let rejected = try await firewall.ban(requests)
        statistics.transactions += 1
        statistics.bansRestored += requests.count - rejected.count
        for rejection in rejected {
            logger.warning("restore rejected", metadata: ["target": "\(rejection.request.target)", "error": "\(rejection.error)"])
        }
        logger.info("bans restored", metadata: ["count": "\(requests.count - rejected.count)"])
        return requests.count - rejected.count
    }

    private func observe(_ event: SecurityEvent) {
        statistics.eventsObserved += 1
        for decision in policy.observe(event, now: now()) {
            if let entry = allowlist.entry(overlapping: decision.target) {
                statistics.bansRefusedByAllowlist += 1
                logger.notice("ban refused: allowlisted", metadata: ["target": "\(decision.target)", "allowlist": "\(entry)", "reason": "\(decision.reason)"])
                continue
            }
            // Two decisions for one target in a tick: keep the longer ban.
            if let earlier = pending[decision.target], earlier.duration >= decision.duration { continue }
            pending[decision.target] = decision
            pendingSignal?.yield()
        }
    }

    private func flush() async {
        guard !pending.isEmpty else { return }
        let decisions = pending.values.filter { allowlist.entry(overlapping: $0.target) == nil }.sorted { $0.target < $1.target }
        pending.removeAll()
        guard !decisions.isEmpty else { return }
        let current = now()
        let requests = decisions.map { BanRequest(target: $0.target, timeout: $0.duration, comment: $0.reason) }
        var rejectedTargets = Set<IPPrefix>()
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
            guard error.code == .rulesetMissing || error.code == .outcomeUnknown else { return }
        }
        let accepted = decisions.filter { !rejectedTargets.contains($0.target) }
        statistics.bansApplied += accepted.count
        let records = accepted.map {
            BanRecord(target: $0.target, expiresAt: current + $0.duration, reason: $0.reason, origin: $0.origin, createdAt: current)
        }
        do {
            try await store.recordBans(records)
        } catch {
            logger.error("could not record bans", metadata: ["count": "\(records.count)", "error": "\(error)"])
        }
        for decision in accepted {
            logger.notice("banned", metadata: ["target": "\(decision.target)", "for": "\(DurationText.format(decision.duration))", "reason": "\(decision.reason)"])
        }
    }
}
