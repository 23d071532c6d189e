import CoreMetrics

/// One log source's counters (`source` = the configured path, a bounded set): lines read, lines that
/// looked like log injection, lines that could not be parsed. Recorded once per batch, not per line.
struct SourceCounters: Sendable {
    private let lines: CoreMetrics.Counter
    private let injections: CoreMetrics.Counter
    private let parseErrors: CoreMetrics.Counter

    init(source: String, metrics: DaemonMetrics) {
        lines = metrics.counter(MetricName.linesRead, [("source", source)])
        injections = metrics.counter(MetricName.injectionLines, [("source", source)])
        parseErrors = metrics.counter(MetricName.parseErrors, [("source", source)])
    }

    func record(lines count: Int, malformed: Int, injections injected: Int) {
        if count > 0 { lines.increment(by: count) }
        if malformed > 0 { parseErrors.increment(by: malformed) }
        if injected > 0 { injections.increment(by: injected) }
    }
}
