import CoreMetrics
import Synchronization

/// Turns the AMI client's health snapshots (given to `AMIClientService(onHealthChange:)`) into
/// `kobrakai_ami_connected`, `kobrakai_ami_reconnects_total` and the `source="ami"` series of lines read
/// (AMI messages), injection and parse-error counters. The snapshot carries running totals; counters take the growth since the last one.
public final class AMIMetricsObserver: Sendable {
    private struct Totals {
        var reconnects = 0
        var injections = 0
        var errors = 0
        var messages = 0
    }

    private let connected: CoreMetrics.Gauge
    private let reconnects: CoreMetrics.Counter
    private let messages: CoreMetrics.Counter
    private let injections: CoreMetrics.Counter
    private let parseErrors: CoreMetrics.Counter
    private let totals = Mutex(Totals())

    public init(metrics: DaemonMetrics) {
        connected = metrics.gauge(MetricName.amiConnected)
        reconnects = metrics.counter(MetricName.amiReconnects)
        messages = metrics.counter(MetricName.linesRead, [("source", "ami")])
        injections = metrics.counter(MetricName.injectionLines, [("source", "ami")])
        parseErrors = metrics.counter(MetricName.parseErrors, [("source", "ami")])
        connected.record(0)
    }

    public func observe(_ health: AMIClientHealth) {
        connected.record(health.state == .loggedIn ? 1 : 0)
        let errors = health.framingErrors + health.protocolErrors
        let growth = totals.withLock { last in
            defer {
                last = Totals(reconnects: health.reconnects, injections: health.injectionsRefused, errors: errors,
                              messages: health.messagesRead)
            }
            return Totals(reconnects: max(0, health.reconnects - last.reconnects),
                          injections: max(0, health.injectionsRefused - last.injections), errors: max(0, errors - last.errors),
                          messages: max(0, health.messagesRead - last.messages))
        }
        if growth.messages > 0 { messages.increment(by: growth.messages) }
        if growth.reconnects > 0 { reconnects.increment(by: growth.reconnects) }
        if growth.injections > 0 { injections.increment(by: growth.injections) }
        if growth.errors > 0 { parseErrors.increment(by: growth.errors) }
    }
}
