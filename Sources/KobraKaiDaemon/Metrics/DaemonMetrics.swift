import CoreMetrics

/// The metrics backend every instrumented component records into, passed in rather than read from the
/// global `MetricsSystem`: each test gets its own registry (no fight over the process-wide bootstrap) and a
/// daemon with metrics off records into the no-op backend at the cost of a function call.
public struct DaemonMetrics: Sendable {
    public let factory: any MetricsFactory

    public init(factory: any MetricsFactory) { self.factory = factory }

    /// Records nothing (metrics disabled, tests that do not look).
    public static let disabled = DaemonMetrics(factory: NOOPMetricsHandler.instance)

    /// A counter under one of the `MetricName` names.
    public func counter(_ name: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Counter {
        CoreMetrics.Counter(label: name, dimensions: dimensions, factory: factory)
    }

    /// A gauge (last value wins) under one of the `MetricName` names.
    public func gauge(_ name: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Gauge {
        CoreMetrics.Gauge(label: name, dimensions: dimensions, factory: factory)
    }

    /// A histogram of durations under one of the `MetricName` names.
    public func timer(_ name: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Timer {
        CoreMetrics.Timer(label: name, dimensions: dimensions, factory: factory)
    }
}
