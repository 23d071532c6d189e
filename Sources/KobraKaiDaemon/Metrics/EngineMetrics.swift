import CoreMetrics
import KobraKaiCore

/// The ban engine's counters: events by rule and service, bans by reason and origin. Owned by the engine
/// actor (hence a plain struct with mutating look-ups): handles are made once per label set and cached,
/// so an event costs one dictionary look-up and an atomic add.
///
/// Every dimension value is bounded: rule ids come from the catalogue or the operator's pattern names,
/// services and origins are enums, and a ban without a rule is counted under its origin. Attacker text
/// (accounts, From headers) never becomes a label.
struct EngineMetrics {
    private let metrics: DaemonMetrics
    private var events: [EventKey: CoreMetrics.Counter] = [:]
    private var bans: [BanKey: CoreMetrics.Counter] = [:]

    private struct EventKey: Hashable {
        var rule: String
        var service: String
    }

    private struct BanKey: Hashable {
        var reason: String
        var origin: String
    }

    init(metrics: DaemonMetrics) { self.metrics = metrics }

    mutating func recordEvent(_ event: SecurityEvent) {
        let key = EventKey(rule: event.rule, service: event.service.rawValue)
        if let counter = events[key] {
            counter.increment()
            return
        }
        let counter = metrics.counter(MetricName.events, [("rule", key.rule), ("service", key.service)])
        events[key] = counter
        counter.increment()
    }

    /// `reason` is the catalogue rule id, else the origin (`operator`, `crowdsec`, ...).
    mutating func recordBan(rule: String?, origin: String) {
        let key = BanKey(reason: rule ?? origin, origin: origin)
        if let counter = bans[key] {
            counter.increment()
            return
        }
        let counter = metrics.counter(MetricName.bans, [("reason", key.reason), ("origin", key.origin)])
        bans[key] = counter
        counter.increment()
    }
}
