#if canImport(Glibc)
import Glibc
#endif
import KobraKaiCore
import Logging
import ServiceLifecycle

/// Follows one configured log: lines → core line parser (restricted to the source's format) and the
/// operator's patterns → events → the ban engine, with the batch's position so it is saved in the same
/// transaction as the bans its lines cause.
///
/// The follower is started (directory watched, start position fixed) before the daemon reports READY, so a
/// line written after READY is never missed. A source that cannot be followed (directory missing) is shown
/// as failed in `status` and does not stop the other sources.
public struct LogSourceService: Service {
    private let source: LogSourceConfiguration
    private let engine: BanEngine
    private let patterns: CustomPatternsBox
    private let health: SourceHealthBoard
    private let logger: Logger
    private let started: Result<LogFollower.Iterator, SystemCallError>
    private let counters: SourceCounters

    public init(
        source: LogSourceConfiguration, savedPosition: StoredPosition?, engine: BanEngine, patterns: CustomPatternsBox,
        health: SourceHealthBoard, logger: Logger = Logger(label: "kobrakai.source"), metrics: DaemonMetrics = .disabled
    ) {
        counters = SourceCounters(source: source.path, metrics: metrics)
        self.source = source
        self.engine = engine
        self.patterns = patterns
        self.health = health
        self.logger = logger
        let configuration = LogFollowerConfiguration(
            path: source.path, startPoint: source.startAt == .beginning ? .beginning : .end,
            savedPosition: savedPosition?.position, positionSavedAt: savedPosition?.savedAt)
        started = Result { () throws(SystemCallError) -> LogFollower.Iterator in
            try LogFollower(configuration: configuration, logger: logger).start()
        }
        switch started {
        case .success: health.update(source.path) { $0.state = "following" }
        case .failure(let error): health.update(source.path) { $0.state = "failed: \(error)" }
        }
    }

    public func run() async throws {
        let iterator: LogFollower.Iterator
        switch started {
        case .success(let value): iterator = value
        case .failure(let error):
            logger.error("cannot follow log", metadata: ["path": "\(source.path)", "error": "\(error)"])
            try? await gracefulShutdown()
            return
        }
        do {
            try await cancelWhenGracefulShutdown { [source, engine, patterns, health, counters] in
                var parser = LogLineParser(context: Self.timeContext(), sources: Self.sources(for: source.format), customRules: patterns.current)
                var lines = iterator
                while let batch = try await lines.next() {
                    let rules = patterns.current
                    if rules != parser.customRules {
                        // Reloaded patterns: a new parser (only an open packet dump's state is lost).
                        parser = LogLineParser(context: Self.timeContext(), sources: parser.sources, customRules: rules)
                    }
                    parser.context = Self.timeContext()
                    let events = Self.events(in: batch, parser: &parser, health: health, counters: counters)
                    await engine.observe(events, path: source.path, position: batch.position)
                }
            }
        } catch is CancellationError {
            return
        } catch {
            health.update(source.path) { $0.state = "failed: \(error)" }
            logger.error("following log failed", metadata: ["path": "\(source.path)", "error": "\(error)"])
            try? await gracefulShutdown()
        }
    }

    private static func events(
        in batch: LogBatch, parser: inout LogLineParser, health: SourceHealthBoard, counters: SourceCounters
    ) -> [SecurityEvent] {
        var events: [SecurityEvent] = []
        var malformed = 0
        var injections = 0
        for line in batch.lines {
            // Built-in rules for the source's format first, then the operator's patterns (inside the parser).
            switch parser.parse(line.text) {
            case .event(let event): events.append(event)
            case .malformed: malformed += 1
            case .injectionSuspected: injections += 1
            case .noMatch: break
            }
        }
        let count = events.count
        counters.record(lines: batch.lines.count, malformed: malformed, injections: injections)
        health.update(batch.path) {
            $0.lines += batch.lines.count
            $0.events += count
            $0.malformed += malformed
            $0.injectionsSuspected += injections
            $0.lastLineAt = Timestamp.wallClock()
        }
        return events
    }

    /// A file that can only hold one program's lines is parsed as that program's format only, so a line an
    /// attacker shaped like another program's format is never read as one.
    static func sources(for format: LogSourceConfiguration.Format) -> LogSources {
        switch format {
        case .auto: .all
        case .asterisk, .asteriskJSON: .asterisk
        case .kamailio: .kamailio
        case .opensips: .openSIPS
        case .freeswitch: .freeSWITCH
        case .custom: []
        }
    }

    /// Asterisk prints local time without a year: the current year and UTC offset, read per batch so a
    /// daemon running over New Year or a DST change keeps dating lines right.
    static func timeContext() -> TimeContext {
        var now = time(nil)
        var broken = tm()
        localtime_r(&now, &broken)
        return TimeContext(year: Int(broken.tm_year) + 1900, utcOffsetSeconds: Int(broken.tm_gmtoff),
                           latest: Timestamp(secondsSinceEpoch: Int64(now)))
    }
}
