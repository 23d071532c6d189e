import KobraKaiAddress
import KobraKaiCore
import KobraKaiFirewall
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Keeps the firewall in step with blocklist files: every `interval` (and at once on `kobrakai reload`
/// or after a ruleset repair) it reads each file and reconciles against the bans in the firewall.
///
/// A listed entry is banned for `banTime` with comment `blocklist:<file name>` and refreshed once less than
/// two intervals of it remain; an entry that left its file is lifted, but only when the ban in the firewall
/// is the blocklist's own (its comment says so). A file that cannot be read keeps its previous contents (or,
/// right after a start, its bans are left as they are) and is reported as failing; bad lines are reported
/// with file:line and skipped. Allowlisted and own addresses are never banned.
public final class BlocklistService: Service, Sendable {
    public static let commentPrefix = "blocklist:"
    public static let origin = "blocklist"
    /// Bad lines logged per file and reading (the count is always logged).
    static let loggedBadLines = 20

    private let settings: Mutex<BlocklistConfiguration>
    private let firewall: any Firewall
    private let isProtected: @Sendable (IPPrefix) async -> Bool
    private let report: FeedBanReport
    private let logger: Logger
    private let now: @Sendable () -> Timestamp
    private let files: Mutex<[BlocklistFileHealth]>
    /// The last good contents of each file and a fingerprint of its text (bad lines are logged once per change).
    private let lastGood = Mutex<[String: (entries: [IPPrefix], fingerprint: Int)]>([:])
    private let refreshRequested = Mutex(false)
    /// Targets the firewall refused at the last reading: a refusal (an overlapping prefix) repeats at every
    /// reading, so only new ones are logged.
    private let lastRefused = Mutex<Set<IPPrefix>>([])

    /// - Parameters:
    ///   - isProtected: true for a target overlapping the allowlist or the host's own addresses: never banned.
    ///   - onBansApplied: told of each reading's new bans (not refreshes); must return at once.
    ///   - metricsFactory: where `kobrakai_bans_total` is counted; `nil` for the process-wide `MetricsSystem`.
    public init(
        configuration: BlocklistConfiguration, firewall: any Firewall, isProtected: @escaping @Sendable (IPPrefix) async -> Bool,
        onBansApplied: (@Sendable ([BanRecord]) -> Void)? = nil, metricsFactory: (any MetricsFactory)? = nil,
        logger: Logger = Logger(label: "kobrakai.blocklist"),
        now: @escaping @Sendable () -> Timestamp = { Timestamp.wallClock() }
    ) {
        settings = Mutex(configuration)
        self.firewall = firewall
        self.isProtected = isProtected
        report = FeedBanReport(origin: Self.origin, onBansApplied: onBansApplied, metricsFactory: metricsFactory)
        self.logger = logger
        self.now = now
        files = Mutex(configuration.files.map { BlocklistFileHealth(path: $0) })
    }

    public var health: [BlocklistFileHealth] { files.withLock { $0 } }

    public var configuration: BlocklistConfiguration { settings.withLock { $0 } }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                _ = refreshRequested.withLock { requested in defer { requested = false }; return requested }
                await synchronizeReportingFailures()
                try await waitForNextReading(settings.withLock { $0.interval })
            }
        }
    }

    /// Reads the files again at once (reload, ruleset repair).
    public func refreshNow() {
        refreshRequested.withLock { $0 = true }
    }

    /// Takes a reloaded `blocklists` section (files, interval, timeout) and reads at once. Bans of files no
    /// longer configured are lifted at that reading.
    public func reload(_ configuration: BlocklistConfiguration) {
        settings.withLock { $0 = configuration }
        files.withLock { health in
            health = configuration.files.map { path in health.first { $0.path == path } ?? BlocklistFileHealth(path: path) }
        }
        refreshNow()
    }

    private func waitForNextReading(_ delay: Duration) async throws {
        let deadline = ContinuousClock.now + delay
        while ContinuousClock.now < deadline {
            if refreshRequested.withLock({ $0 }) { return }
            try await Task.sleep(for: min(.milliseconds(250), deadline - ContinuousClock.now))
        }
    }

    private func synchronizeReportingFailures() async {
        do {
            try await synchronize()
        } catch {
            let message = "the firewall failed to apply the blocklists: \(error)"
            let first = files.withLock { health in
                let first = health.allSatisfy { $0.feed.consecutiveFailures == 0 }
                for index in health.indices { health[index].feed.recordFailure(message) }
                return first
            }
            if first { logger.error("\(message)") }
        }
    }

    /// One reading of every file and one reconciliation (at most one ban and one unban transaction).
    public func synchronize() async throws(FirewallError) {
        let configuration = settings.withLock { $0 }
        var readings: [BlocklistReading] = []
        for path in configuration.files { readings.append(read(path)) }

        // First file wins for an entry listed twice; targets the allowlist covers are dropped.
        var desired: [IPPrefix: String] = [:]
        var order: [IPPrefix] = []
        var skipped: [String: Int] = [:]
        for reading in readings {
            for entry in reading.entries where desired[entry] == nil {
                if await isProtected(entry) {
                    skipped[reading.comment, default: 0] += 1
                    continue
                }
                desired[entry] = reading.comment
                order.append(entry)
            }
        }
        // Files that failed before any good reading since the start: their bans stay as they are.
        let untouchable = Set(readings.filter { $0.failure != nil && $0.entries.isEmpty && !$0.hadPrevious }.map(\.comment))

        let existing = ExistingBans(try await firewall.list())
        let margin = configuration.interval * 2
        var requests: [BanRequest] = []
        var isNew: Set<IPPrefix> = []
        for target in order {
            let comment = desired[target]!
            if let current = existing[target] {
                let ours = current.comment?.hasPrefix(Self.commentPrefix) == true
                if ours, current.comment == comment, let left = current.expiresIn, left >= margin { continue }
                if !ours {
                    if existing.coversLonger(target, than: configuration.banTime) { continue }
                    isNew.insert(target)
                }
            } else {
                isNew.insert(target)
            }
            requests.append(BanRequest(target: target, timeout: configuration.banTime, comment: comment))
        }
        let stale = existing.all.filter { entry in
            guard let comment = entry.comment, comment.hasPrefix(Self.commentPrefix) else { return false }
            return desired[entry.target] == nil && !untouchable.contains(comment)
        }

        // Lifts first: a prefix replaced by a narrower one in the same file must be gone before the new one,
        // or the interval set refuses the overlap.
        if !stale.isEmpty { try await firewall.unban(stale.map(\.target)) }
        let rejected = requests.isEmpty ? [] : try await firewall.ban(requests)

        let refused = Dictionary(rejected.map { ($0.request.target, $0.error) }, uniquingKeysWith: { first, _ in first })
        let newlyRefused = lastRefused.withLock { previous in
            defer { previous = Set(refused.keys) }
            return refused.filter { !previous.contains($0.key) }
        }
        for (target, error) in newlyRefused.sorted(by: { $0.key < $1.key }).prefix(5) {
            logger.warning("the firewall refused the blocklist ban of \(target): \(error)")
        }
        let created = now()
        let records = requests.filter { isNew.contains($0.target) && refused[$0.target] == nil }.map {
            BanRecord(target: $0.target, expiresAt: created + $0.timeout, reason: $0.comment ?? Self.origin, origin: Self.origin, createdAt: created)
        }
        updateHealth(readings, requests: requests, isNew: isNew, refused: refused, stale: stale, skipped: skipped, at: created)
        if !records.isEmpty || !stale.isEmpty {
            logger.info("blocklists applied", metadata: ["banned": "\(records.count)", "lifted": "\(stale.count)"])
        }
        report.report(records)
    }

    private func updateHealth(
        _ readings: [BlocklistReading], requests: [BanRequest], isNew: Set<IPPrefix>, refused: [IPPrefix: FirewallError],
        stale: [BanEntry], skipped: [String: Int], at time: Timestamp
    ) {
        var applied: [String: Int] = [:], refreshed: [String: Int] = [:], rejected: [String: Int] = [:], removed: [String: Int] = [:]
        for request in requests {
            let comment = request.comment ?? ""
            if refused[request.target] != nil { rejected[comment, default: 0] += 1 }
            else if isNew.contains(request.target) { applied[comment, default: 0] += 1 }
            else { refreshed[comment, default: 0] += 1 }
        }
        for entry in stale { removed[entry.comment ?? "", default: 0] += 1 }
        files.withLock { health in
            for reading in readings {
                guard let index = health.firstIndex(where: { $0.path == reading.path }) else { continue }
                if let failure = reading.failure {
                    health[index].feed.recordFailure(failure)
                } else {
                    health[index].feed.recordSuccess(at: time)
                    health[index].badLines = reading.badLines
                }
                health[index].feed.listed = reading.entries.count
                health[index].feed.applied += applied[reading.comment] ?? 0
                health[index].feed.refreshed += refreshed[reading.comment] ?? 0
                health[index].feed.rejected += rejected[reading.comment] ?? 0
                health[index].feed.removed += removed[reading.comment] ?? 0
                health[index].feed.skippedProtected = skipped[reading.comment] ?? 0
                health[index].feed.invalid = reading.badLines
            }
        }
    }

    /// Reads and parses one file; on failure, its previous contents.
    private func read(_ path: String) -> BlocklistReading {
        let comment = Self.commentPrefix + BlocklistConfiguration.name(of: path)
        let previous = lastGood.withLock { $0[path] }
        let text: String
        do {
            text = try BlocklistFileReader.read(path)
        } catch {
            let wasHealthy = files.withLock { $0.first { $0.path == path }?.feed.consecutiveFailures ?? 0 } == 0
            let keeping = previous.map { "keeping its previous \($0.entries.count) entries" } ?? "its bans stay as they are"
            let message = "blocklist \(path) cannot be read (\(error)); \(keeping)"
            if wasHealthy { logger.error("\(message)") }
            return BlocklistReading(path: path, comment: comment, entries: previous?.entries ?? [], badLines: 0,
                                    failure: message, hadPrevious: previous != nil)
        }
        let parsed = AllowlistFile.parse(text)
        let fingerprint = text.hashValue
        if previous?.fingerprint != fingerprint {
            for error in parsed.errors.prefix(Self.loggedBadLines) {
                logger.warning("\(path):\(error.line): \(error.reason) (line skipped)")
            }
            if parsed.errors.count > Self.loggedBadLines {
                logger.warning("\(path): \(parsed.errors.count - Self.loggedBadLines) more bad line(s) skipped")
            }
        }
        lastGood.withLock { $0[path] = (parsed.entries, fingerprint) }
        return BlocklistReading(path: path, comment: comment, entries: parsed.entries, badLines: parsed.errors.count,
                                failure: nil, hadPrevious: previous != nil)
    }
}
