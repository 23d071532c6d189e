import CoreMetrics
import Prometheus
import Synchronization

/// The daemon's Prometheus backend: one registry, the swift-metrics factory writing into it, and the
/// exposition text for `GET /metrics`.
public struct PrometheusMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let metrics: DaemonMetrics

    /// Netlink transactions take tens of microseconds to a few milliseconds: the library's default buckets
    /// (5 ms to 10 s, made for web requests) would put nearly every sample in the first one.
    static let netlinkBuckets: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
        .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(100),
        .milliseconds(500), .seconds(2),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[MetricName.netlinkTransaction] = Self.netlinkBuckets
        metrics = DaemonMetrics(factory: factory)
    }

    /// The text exposition format (version 0.0.4) of every metric recorded so far.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }

    private static let bootstrapped = Mutex(false)

    /// Makes this backend the process-wide `MetricsSystem` too (for libraries that record through it), once
    /// per process: swift-metrics traps on a second bootstrap, and a test process may start several daemons.
    /// Returns false when an earlier call already did it.
    @discardableResult
    public func bootstrapOnce() -> Bool {
        let first = Self.bootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        if first { MetricsSystem.bootstrap(metrics.factory) }
        return first
    }
}
