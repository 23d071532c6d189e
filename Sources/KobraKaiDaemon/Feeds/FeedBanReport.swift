import KobraKaiFirewall
import Metrics

/// Reports a feed's new bans: the `kobrakai_bans_total` counter (reason and origin are fixed per feed, so
/// the number of series stays bounded) and the optional `onBansApplied` hook (alerts, reports).
struct FeedBanReport: Sendable {
    /// `apiban` or `blocklist`: both the metric's `reason` and `origin`.
    let origin: String
    let onBansApplied: (@Sendable ([BanRecord]) -> Void)?
    /// `nil`: the process-wide `MetricsSystem`, looked up at each report (the daemon may bootstrap it after
    /// the services were made). Tests pass their own.
    let metricsFactory: (any MetricsFactory)?

    func report(_ records: [BanRecord]) {
        guard !records.isEmpty else { return }
        let dimensions = [("reason", origin), ("origin", origin)]
        let counter = metricsFactory.map { Counter(label: MetricName.bans, dimensions: dimensions, factory: $0) }
            ?? Counter(label: MetricName.bans, dimensions: dimensions)
        counter.increment(by: records.count)
        onBansApplied?(records)
    }
}
