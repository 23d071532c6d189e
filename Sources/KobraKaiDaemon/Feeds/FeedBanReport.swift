import KobraKaiFirewall
import Metrics

/// Reports a feed's new bans: the `kobrakai_bans_total` counter (reason and origin are fixed per feed, so
/// the number of series stays bounded) and the optional `onBansApplied` hook (alerts, reports).
struct FeedBanReport: Sendable {
    /// `apiban` or `blocklist`: both the metric's `reason` and `origin`.
    let origin: String
    let onBansApplied: (@Sendable ([BanRecord]) -> Void)?

    func report(_ records: [BanRecord]) {
        guard !records.isEmpty else { return }
        Counter(label: MetricName.bans, dimensions: [("reason", origin), ("origin", origin)]).increment(by: records.count)
        onBansApplied?(records)
    }
}
