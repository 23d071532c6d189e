import Foundation
import KobraKaiAddress
import KobraKaiFirewall
import Logging
import ServiceLifecycle
import Synchronization

/// Applies a CrowdSec Local API's decisions to a `Firewall`: `GET /v1/decisions/stream?startup=true`
/// once, then the deltas every `pullInterval` (a fixed cadence), and a full `startup=true` pull again every
/// `fullPullInterval` and once after each burst of changes (`PullSchedule` says when and why).
///
/// The full pulls are there because the delta is not reliable: CrowdSec 1.4.6 skips a batch committed
/// while a bouncer pulls, and only a full list brings it back. A full pull reconciles with what is in
/// place (it adds what is missing and lifts our bans whose decisions are gone) and never rewrites a ban
/// that is already right.
///
/// Each pull becomes at most one `ban` and one `unban` call. A failed pull (LAPI down, 5xx, refused key)
/// is retried with backoff and jitter and never ends the service; a failed firewall call makes the next
/// pull a full `startup=true` one, because the LAPI has already moved this key's position past the
/// changes that were lost.
public final class CrowdSecBouncerService: Service, Sendable {
    /// Comments of the bans this bouncer makes start with this, so that it only ever lifts its own bans.
    public static let commentPrefix = "crowdsec:"

    private let client: LocalAPIClient
    /// Replaced by `updateAPIKey` on a reload.
    private let apiKey: Mutex<String>
    /// The scenario our own watcher's decisions carry: skipped, they are local bans already (and applying them
    /// would put them back under a `crowdsec:` comment, out of reach of `kobrakai unban`).
    private let ownDecisionScenario: String?
    /// Told of the bans applied by each pull (the daemon records them in its ban history), from a task of
    /// its own: a history transaction must not hold back the next pull.
    private let onBansApplied: (@Sendable ([BanRequest]) async -> Void)?
    private let firewall: any Firewall
    private let pullInterval: Duration
    /// Zero: no periodic full pull.
    private let fullPullInterval: Duration
    private let protectedTargets: @Sendable ([IPPrefix]) async -> Set<IPPrefix>
    private let initialBackoff: RetryBackoff
    private let logger: Logger
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state = Mutex(CrowdSecHealth())
    /// Set by `resync()`; the pull loop turns it into a full `startup=true` pull.
    private let resyncRequested = Mutex(false)

    /// - Parameters:
    ///   - client: where the LAPI is.
    ///   - apiKey: the key from `cscli bouncers add` (a dedicated one: the LAPI keeps one position per key).
    ///   - firewall: where bans go (the daemon's `NftablesFirewall`).
    ///   - pullInterval: time between two delta pulls.
    ///   - fullPullInterval: time between two full pulls; `.zero` pulls the full list only at start and on `resync()`.
    ///   - protectedTargets: those of the given targets that overlap the allowlist or the host's own
    ///     addresses; their decisions are never applied. Asked once per pull with every candidate (one hop
    ///     to the engine, not ten thousand during an import).
    ///   - backoff: retry delays after a failed pull.
    ///   - now: the clock the remaining durations are measured on (the firewall's).
    ///   - ownDecisionScenario: the decision scenario of this host's watcher
    ///     (`CrowdSecAlert.decisionScenario(scenario:machineID:)`); its decisions are never applied.
    ///   - onBansApplied: called after each pull with the new bans the firewall accepted (bans restored after
    ///     the firewall lost them are not new: they already have their history row and count).
    public init(
        client: LocalAPIClient, apiKey: String, firewall: any Firewall, pullInterval: Duration = .seconds(10),
        fullPullInterval: Duration = .seconds(600),
        protectedTargets: @escaping @Sendable ([IPPrefix]) async -> Set<IPPrefix>, backoff: RetryBackoff = RetryBackoff(),
        logger: Logger = Logger(label: "kobrakai.crowdsec.bouncer"),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now },
        ownDecisionScenario: String? = nil, onBansApplied: (@Sendable ([BanRequest]) async -> Void)? = nil
    ) {
        self.client = client
        self.apiKey = Mutex(apiKey)
        self.ownDecisionScenario = ownDecisionScenario
        self.onBansApplied = onBansApplied
        self.firewall = firewall
        self.pullInterval = pullInterval
        self.fullPullInterval = fullPullInterval
        self.protectedTargets = protectedTargets
        self.initialBackoff = backoff
        self.logger = logger
        self.now = now
    }

    /// A snapshot for status and metrics.
    public var health: CrowdSecHealth { state.withLock { $0 } }

    public func run() async throws {
        guard let onBansApplied else {
            try? await cancelWhenGracefulShutdown { [self] in try await pullLoop(reporting: nil) }
            return
        }
        let (applied, reporting) = AsyncStream.makeStream(of: [BanRequest].self)
        await withDiscardingTaskGroup { group in
            // In order, and what was queued before a shutdown is still reported.
            group.addTask { for await bans in applied { await onBansApplied(bans) } }
            try? await cancelWhenGracefulShutdown { [self] in try await pullLoop(reporting: reporting) }
            reporting.finish()
        }
    }

    /// Makes the next pull a full `startup=true` one, at once. The daemon calls it after re-creating a
    /// flushed ruleset: CrowdSec's bans are not in KobraKai's state store, so only the LAPI can bring them back.
    public func resync() {
        resyncRequested.withLock { $0 = true }
    }

    /// A new bouncer key (`kobrakai reload` re-read it). The LAPI keeps one stream position per key, so a
    /// changed key is followed by a full pull.
    public func updateAPIKey(_ key: String) {
        let changed = apiKey.withLock { current in
            defer { current = key }
            return current != key
        }
        if changed { resync() }
    }

    private func takeResyncRequest() -> Bool {
        resyncRequested.withLock { requested in
            defer { requested = false }
            return requested
        }
    }

    /// Sleeps `delay`, ending early when a resync is requested. Polling a local flag once a second costs
    /// nothing and, unlike racing an AsyncStream in a task group, cannot finish the stream on cancellation.
    private func waitForNextPull(_ delay: Duration) async throws {
        let deadline = ContinuousClock.now + delay
        while ContinuousClock.now < deadline {
            if resyncRequested.withLock({ $0 }) { return }
            try await Task.sleep(for: min(.seconds(1), deadline - ContinuousClock.now))
        }
    }

    private func pullLoop(reporting: AsyncStream<[BanRequest]>.Continuation?) async throws {
        var ledger = DecisionLedger()
        var schedule = PullSchedule(interval: pullInterval, fullPullInterval: fullPullInterval)
        // Stays set until a full pull succeeds: a resync or a failed firewall call is not forgotten
        // because the LAPI was down for the next attempt.
        var fullPullOwed = false
        var backoff = initialBackoff
        while !Task.isCancelled {
            let started = ContinuousClock.now
            if takeResyncRequest() || schedule.isFullPullDue(at: started) { fullPullOwed = true }
            let full = fullPullOwed
            let delay: Duration
            do {
                let stream = try await client.decisionStream(apiKey: apiKey.withLock { $0 }, startup: full)
                let fetched = ContinuousClock.now
                let (changes, applied) = try await apply(stream, startup: full, to: &ledger)
                if !applied.isEmpty { reporting?.yield(applied) }
                logger.debug("CrowdSec pull", metadata: [
                    "full": "\(full)", "new": "\(stream.new.count)", "deleted": "\(stream.deleted.count)", "changes": "\(changes)",
                    "fetch_ms": "\((fetched - started).milliseconds)", "apply_ms": "\((ContinuousClock.now - fetched).milliseconds)",
                ])
                // A full pull that found nothing to fix is not worth a journal line each time.
                if (full && (schedule.lastFullPull == nil || changes > 0)) || backoff.failures > 0 {
                    logger.info("CrowdSec decisions in sync", metadata: ["active": "\(ledger.activeTargets)", "changes": "\(changes)"])
                }
                schedule.recordPull(full: full, changes: stream.new.count + stream.deleted.count, started: started)
                fullPullOwed = false
                backoff.reset()
                state.withLock {
                    $0.recordSuccess()
                    $0.pending = ledger.activeTargets
                }
                delay = schedule.delay(afterPullStartedAt: started, now: ContinuousClock.now)
            } catch let error as CrowdSecError {
                delay = backoff.nextDelay()
                recordFailure(error, retryIn: delay)
            } catch let error as FirewallError {
                fullPullOwed = true
                delay = backoff.nextDelay()
                recordFailure(CrowdSecError(.firewall, "the firewall failed to apply CrowdSec's decisions: \(error)"), retryIn: delay)
            }
            try await waitForNextPull(delay)
        }
    }

    private func recordFailure(_ error: CrowdSecError, retryIn delay: Duration) {
        let failures = state.withLock {
            $0.recordFailure(error)
            return $0.consecutiveFailures
        }
        // The first failure and then every tenth: a LAPI down for a day must not flood the journal.
        if failures == 1 || failures % 10 == 0 {
            logger.error("\(error.message)", metadata: ["retry_in": "\(delay)", "failures": "\(failures)"])
        }
    }

    /// Turns one response into one ban call and one unban call.
    /// - Returns: how many bans and unbans the firewall was asked for, and the new bans it accepted (not
    ///   the ones restored after the firewall lost them).
    private func apply(
        _ stream: DecisionStream, startup: Bool, to ledger: inout DecisionLedger
    ) async throws -> (changes: Int, applied: [BanRequest]) {
        let instant = now()
        for decision in stream.deleted { ledger.remove(id: decision.id) }
        let candidates = applicable(stream.new)
        let protected = candidates.isEmpty ? [] : await protectedTargets(candidates.map(\.target))
        var protectedCount = 0
        var appliedIDs: Set<Int64> = []
        for parsed in candidates {
            if protected.contains(parsed.target) {
                protectedCount += 1
                logger.info("not applying CrowdSec decision \(parsed.id) for allowlisted \(parsed.target)")
                continue
            }
            if let original = parsed.maskedFrom {
                logger.warning("CrowdSec range \(original) has host bits set; banning \(parsed.target) as CrowdSec matches it")
            }
            ledger.add(parsed, now: instant)
            appliedIDs.insert(parsed.id)
        }
        // A full pull is the whole truth: it is reconciled with the ledger and the firewall instead of
        // replacing them, so bans in place stay untouched (no window without them, no re-ban, no history row).
        var firewallEntries: [BanEntry] = []
        if startup {
            ledger.keepOnly(ids: appliedIDs)
            firewallEntries = try await firewall.list()
            ledger.markMissing(present: Set(firewallEntries.map(\.target)), now: instant)
        }
        var (bans, unbans) = ledger.drainChanges(now: instant)
        ledger.purgeExpired(now: instant)
        if startup {
            let stale = staleBans(in: firewallEntries, keeping: ledger)
            unbans = Array(Set(unbans).union(stale)).sorted()
        }
        unbans = try await onlyOwnBans(unbans)
        var rejected: [RejectedBan] = []
        if !bans.isEmpty { rejected = try await firewall.ban(bans) }
        for refusal in rejected {
            ledger.markNotApplied(refusal.request.target)
            logger.warning("the firewall refused CrowdSec's ban of \(refusal.request.target): \(refusal.error)")
        }
        if !unbans.isEmpty { try await firewall.unban(unbans) }
        let refused = Set(rejected.map(\.request.target))
        let applied = refused.isEmpty ? bans : bans.filter { !refused.contains($0.target) }
        // Bans put back after the firewall lost them (a flushed ruleset) are applied, not reported again.
        let restored = ledger.takeRestored()
        let fresh = restored.isEmpty ? applied : applied.filter { !restored.contains($0.target) }
        state.withLock {
            $0.applied += applied.count
            $0.rejected += rejected.count
            $0.removed += unbans.count
            $0.skipped += protectedCount
        }
        return (bans.count + unbans.count, fresh)
    }

    /// The new decisions this bouncer enforces, parsed: bans on an Ip or a Range with time left, not
    /// pushed by this host's own watcher. Malformed ones are logged and skipped.
    private func applicable(_ decisions: [CrowdSecDecision]) -> [ParsedDecision] {
        var parsed: [ParsedDecision] = []
        parsed.reserveCapacity(decisions.count)
        for decision in decisions {
            if let ownDecisionScenario, decision.scenario == ownDecisionScenario { continue }
            switch ParsedDecision.parse(decision) {
            case .success(let value) where value.remaining > .zero: parsed.append(value)
            case .success, .failure(.notApplicable): continue
            case .failure(.malformed(let reason)): logger.warning("ignoring a CrowdSec decision: \(reason)")
            }
        }
        return parsed
    }

    /// Bans of ours in the firewall (left from before a restart, or a failed unban) whose decisions are gone now.
    private func staleBans(in entries: [BanEntry], keeping ledger: DecisionLedger) -> [IPPrefix] {
        entries
            .filter { ($0.comment ?? "").hasPrefix(Self.commentPrefix) && !ledger.isTracked($0.target) }
            .map(\.target)
    }

    /// Drops targets whose current ban is not ours: a local ban made after CrowdSec's (its comment
    /// replaced ours) must outlive the deletion of the CrowdSec decision.
    private func onlyOwnBans(_ targets: [IPPrefix]) async throws -> [IPPrefix] {
        guard !targets.isEmpty else { return [] }
        let ours = Set(try await firewall.list().filter { ($0.comment ?? "").hasPrefix(Self.commentPrefix) }.map(\.target))
        return targets.filter { ours.contains($0) }
    }
}
