import CoreMetrics
import KobraKaiAddress
import KobraKaiFirewall

/// `kobrakai_bans_active{set=...}`: the bans in force as the kernel holds them, read when Prometheus
/// scrapes. Listing a set of 100,000 elements costs tens of milliseconds and a burst of netlink traffic,
/// so one reading serves every scrape within `maximumAge` (Prometheus scrapes every 15 s or so; two
/// Prometheus servers, or a person with curl, should not double the cost).
public actor KernelBanGauge {
    /// The sets of nft/kobrakai.nft, in the order `KobraKaiRuleset.banSet(for:)` picks them (this module
    /// does not import the netfilter backend, so the names are repeated here).
    static let setNames = (hostV4: "ban_v4", hostV6: "ban_v6", networkV4: "ban_net_v4", networkV6: "ban_net_v6")

    private let firewall: any Firewall
    private let maximumAge: Duration
    private let gauges: [String: CoreMetrics.Gauge]
    private var lastReading: ContinuousClock.Instant?
    /// Listings done (tests check the cache with it).
    public private(set) var readings = 0

    public init(firewall: any Firewall, metrics: DaemonMetrics, maximumAge: Duration = .seconds(5)) {
        self.firewall = firewall
        self.maximumAge = maximumAge
        let names = Self.setNames
        var gauges: [String: CoreMetrics.Gauge] = [:]
        for name in [names.hostV4, names.hostV6, names.networkV4, names.networkV6] {
            gauges[name] = metrics.gauge(MetricName.bansActive, [("set", name)])
        }
        self.gauges = gauges
    }

    /// Lists the sets again unless the last reading is younger than `maximumAge`. A failed listing (ruleset
    /// missing, netlink error) leaves the previous values; the error is returned for the caller to log.
    @discardableResult
    public func refreshIfStale() async -> FirewallError? {
        if let lastReading, ContinuousClock.now - lastReading < maximumAge { return nil }
        lastReading = .now
        readings += 1
        let entries: [BanEntry]
        do {
            entries = try await firewall.list()
        } catch {
            return error
        }
        var counts: [String: Int] = [:]
        for entry in entries { counts[Self.setName(for: entry.target), default: 0] += 1 }
        for (name, gauge) in gauges { gauge.record(counts[name] ?? 0) }
        return nil
    }

    static func setName(for target: IPPrefix) -> String {
        switch (target.isIPv4, target.isHost) {
        case (true, true): setNames.hostV4
        case (false, true): setNames.hostV6
        case (true, false): setNames.networkV4
        case (false, false): setNames.networkV6
        }
    }
}
