import KobraKaiAddress
import KobraKaiCore
import KobraKaiCrowdSec
import KobraKaiFirewall
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Imports APIBAN's banned addresses into a `Firewall`: pages from the last ID persisted in the state
/// database, each address banned for `banTime` with comment `apiban`, then a poll every `interval`.
///
/// Every request (pages, retries) goes through a `RequestBudget` of APIBAN's documented limit, so a first
/// import of thousands of addresses is paced instead of rate-limited. A 429, a 5xx or a timeout backs off
/// and never ends the service. The ID is saved only after its page is in the firewall, so a crash repeats
/// a page rather than skipping one. When the set had to be re-created (a flushed ruleset, a reboot) the
/// import starts again from the first page: APIBAN's bans are in no other store.
public final class APIBanService: Service, Sendable {
    public static let comment = "apiban"
    public static let origin = "apiban"
    /// The `feed_state` key holding the ID to ask for next.
    public static let stateKey = "apiban.next_id"
    /// Stops a server that keeps answering full pages with the same ID from looping for ever in one poll.
    static let maximumPagesPerPoll = 1000

    private let client: APIBanClient
    private let firewall: any Firewall
    private let store: StateStore
    private let banTime: Duration
    private let interval: Duration
    private let isProtected: @Sendable (IPPrefix) async -> Bool
    private let report: FeedBanReport
    private let initialBackoff: RetryBackoff
    private let initialBudget: RequestBudget
    private let logger: Logger
    private let now: @Sendable () -> Timestamp
    private let state = Mutex(FeedHealth())
    private let restartRequested = Mutex(false)

    /// - Parameters:
    ///   - isProtected: true for an address the allowlist or the host's own addresses cover: never banned.
    ///   - budget: the request limit (APIBAN's documented one by default).
    ///   - backoff: waits after a failed poll (a 429 waits at least the budget's window).
    ///   - onBansApplied: told of each page's new bans (alerts, reports); must return at once.
    ///   - metricsFactory: where `kobrakai_bans_total` is counted; `nil` for the process-wide `MetricsSystem`.
    public init(
        client: APIBanClient, firewall: any Firewall, store: StateStore, banTime: Duration, interval: Duration,
        isProtected: @escaping @Sendable (IPPrefix) async -> Bool,
        budget: RequestBudget = RequestBudget(limit: APIBanConfiguration.rateLimitRequests, window: APIBanConfiguration.rateLimitWindow),
        backoff: RetryBackoff = RetryBackoff(initial: .seconds(30), maximum: .seconds(1800)),
        onBansApplied: (@Sendable ([BanRecord]) -> Void)? = nil, metricsFactory: (any MetricsFactory)? = nil,
        logger: Logger = Logger(label: "kobrakai.apiban"),
        now: @escaping @Sendable () -> Timestamp = { Timestamp.wallClock() }
    ) {
        self.client = client
        self.firewall = firewall
        self.store = store
        self.banTime = banTime
        self.interval = interval
        self.isProtected = isProtected
        self.initialBudget = budget
        self.initialBackoff = backoff
        self.report = FeedBanReport(origin: Self.origin, onBansApplied: onBansApplied, metricsFactory: metricsFactory)
        self.logger = logger
        self.now = now
    }

    public var health: FeedHealth { state.withLock { $0 } }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown { [self] in try await pollLoop() }
    }

    /// Starts the next poll at once, from the first page. The daemon calls it after a ruleset repair.
    public func restartFromFirstPage() {
        restartRequested.withLock { $0 = true }
    }

    /// Lifts APIBAN's bans of addresses the allowlist now covers (after `kobrakai reload` widened it): they
    /// would otherwise stay banned for up to `banTime`.
    /// - Returns: how many bans were lifted.
    public func liftAllowlistedBans() async throws(FirewallError) -> Int {
        var lifted: [IPPrefix] = []
        for entry in try await firewall.list() where entry.comment == Self.comment {
            if await isProtected(entry.target) { lifted.append(entry.target) }
        }
        guard !lifted.isEmpty else { return 0 }
        try await firewall.unban(lifted)
        logger.notice("lifted APIBAN bans now covered by the allowlist", metadata: ["count": "\(lifted.count)"])
        return lifted.count
    }

    private func takeRestartRequest() -> Bool {
        restartRequested.withLock { requested in
            defer { requested = false }
            return requested
        }
    }

    private func pollLoop() async throws {
        var nextID = await startingID()
        var budget = initialBudget
        var backoff = initialBackoff
        while !Task.isCancelled {
            if takeRestartRequest() {
                logger.notice("the ban set was re-created: importing APIBAN again from the first page")
                nextID = nil
                try? await store.setFeedState(Self.stateKey, to: nil)
            }
            let delay: Duration
            do {
                try await poll(from: &nextID, budget: &budget)
                backoff.reset()
                state.withLock { $0.recordSuccess(at: now()) }
                delay = interval
            } catch let error as APIBanError {
                var wait = backoff.nextDelay()
                if case .rateLimited(let retryAfter) = error.kind {
                    budget.exhaust(at: .now)
                    wait = max(wait, retryAfter ?? budget.window)
                }
                recordFailure(error.message, retryIn: wait)
                delay = wait
            } catch let error as FirewallError {
                delay = backoff.nextDelay()
                recordFailure("the firewall failed to apply APIBAN's addresses: \(error)", retryIn: delay)
            }
            try await waitForNextPoll(delay)
        }
    }

    /// The persisted ID, unless the set holds none of APIBAN's bans any more (the daemon restarted after a
    /// reboot, or on an in-memory firewall): then the import starts from the first page.
    private func startingID() async -> String? {
        guard let saved = try? await store.feedState(Self.stateKey) else { return nil }
        guard let entries = try? await firewall.list(), !entries.contains(where: { $0.comment == Self.comment }) else { return saved }
        logger.notice("no APIBAN bans in the set: importing again from the first page")
        try? await store.setFeedState(Self.stateKey, to: nil)
        return nil
    }

    private func waitForNextPoll(_ delay: Duration) async throws {
        let deadline = ContinuousClock.now + delay
        while ContinuousClock.now < deadline {
            if restartRequested.withLock({ $0 }) { return }
            try await Task.sleep(for: min(.seconds(1), deadline - ContinuousClock.now))
        }
    }

    private func recordFailure(_ message: String, retryIn delay: Duration) {
        let failures = state.withLock {
            $0.recordFailure(message)
            return $0.consecutiveFailures
        }
        if failures == 1 || failures % 10 == 0 {
            logger.error("\(message)", metadata: ["retry_in": "\(delay)", "failures": "\(failures)"])
        }
    }

    /// Pages until "no new bans" or a short page, applying and saving each.
    private func poll(from nextID: inout String?, budget: inout RequestBudget) async throws {
        var existing: ExistingBans?
        for _ in 0..<Self.maximumPagesPerPoll {
            let wait = budget.delay(at: .now)
            if wait > .zero { try await Task.sleep(for: wait) }
            budget.record(at: .now)
            guard case .banned(let entries, let id, let nonText) = try await client.banned(after: nextID) else { return }
            if existing == nil { existing = ExistingBans(try await firewall.list()) }
            try await apply(entries, nonTextEntries: nonText, existing: &existing!)
            guard APIBanPage.isUsableID(id) else {
                throw APIBanError(.malformedResponse, "APIBAN sent an ID that cannot be used in a URL; keeping the previous one")
            }
            let repeated = id == nextID
            nextID = id
            do {
                try await store.setFeedState(Self.stateKey, to: id)
            } catch {
                logger.warning("could not save APIBAN's ID (the next start repeats some pages): \(error)")
            }
            if entries.count + nonText < APIBanPage.pageSize || repeated { return }
        }
    }

    private func apply(_ entries: [String], nonTextEntries: Int, existing: inout ExistingBans) async throws(FirewallError) {
        var invalid = nonTextEntries
        var protectedCount = 0
        var seen = Set<IPPrefix>()
        var requests: [BanRequest] = []
        for entry in entries {
            guard let address = try? IPAddress(parsing: entry) else {
                invalid += 1
                continue
            }
            let target = IPPrefix(host: address)
            guard seen.insert(target).inserted else { continue }
            if await isProtected(target) {
                protectedCount += 1
                continue
            }
            if existing.coversLonger(target, than: banTime) { continue }
            requests.append(BanRequest(target: target, timeout: banTime, comment: Self.comment))
        }
        if invalid > 0 { logger.warning("APIBAN page: \(invalid) entr\(invalid == 1 ? "y is" : "ies are") not an address: skipped") }
        if protectedCount > 0 { logger.info("not banning \(protectedCount) allowlisted APIBAN address(es)") }
        let rejected = requests.isEmpty ? [] : try await firewall.ban(requests)
        let refused = Set(rejected.map(\.request.target))
        for refusal in rejected.prefix(5) {
            logger.warning("the firewall refused APIBAN's ban of \(refusal.request.target): \(refusal.error)")
        }
        let created = now()
        let accepted = requests.filter { !refused.contains($0.target) }
        // An address APIBAN lists again (seen again by its honeypots) gets its timeout renewed; only the
        // others are new bans for metrics and `onBansApplied` (alerts must not repeat at every sighting).
        let renewed = accepted.filter { existing[$0.target]?.comment == Self.comment }.count
        let records = accepted.filter { existing[$0.target]?.comment != Self.comment }.map {
            BanRecord(target: $0.target, expiresAt: created + banTime, reason: Self.comment, origin: Self.origin, createdAt: created)
        }
        for request in accepted { existing.record(request) }
        state.withLock {
            $0.listed += entries.count + nonTextEntries
            $0.applied += records.count
            $0.refreshed += renewed
            $0.invalid += invalid
            $0.skippedProtected += protectedCount
            $0.rejected += rejected.count
        }
        if !records.isEmpty { logger.info("APIBAN: \(records.count) address(es) banned") }
        report.report(records)
    }
}
