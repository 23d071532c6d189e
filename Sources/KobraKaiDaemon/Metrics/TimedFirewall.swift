import CoreMetrics
import KobraKaiAddress
import KobraKaiFirewall

/// A `Firewall` that times every call of the one it wraps into `kobrakai_netlink_transaction_seconds`
/// (dimension `operation`): with the netlink backend each call is one transaction (one batch, one round
/// trip set), so the histogram is the kernel's answer time as the engine and the bouncer see it. Failed
/// calls are timed too: a timeout is exactly what the histogram must show. The backend itself stays
/// unaware of metrics.
public struct TimedFirewall: Firewall {
    private let wrapped: any Firewall
    private let timers: [String: CoreMetrics.Timer]

    public init(wrapping wrapped: any Firewall, metrics: DaemonMetrics) {
        self.wrapped = wrapped
        var timers: [String: CoreMetrics.Timer] = [:]
        for operation in ["verify", "ban", "unban", "flush", "list", "lookup"] {
            timers[operation] = metrics.timer(MetricName.netlinkTransaction, [("operation", operation)])
        }
        self.timers = timers
    }

    public func verify() async throws(FirewallError) {
        try await timed("verify") { () async throws(FirewallError) in try await wrapped.verify() }
    }

    public func ban(_ requests: [BanRequest]) async throws(FirewallError) -> [RejectedBan] {
        try await timed("ban") { () async throws(FirewallError) in try await wrapped.ban(requests) }
    }

    public func unban(_ targets: [IPPrefix]) async throws(FirewallError) {
        try await timed("unban") { () async throws(FirewallError) in try await wrapped.unban(targets) }
    }

    public func flush() async throws(FirewallError) {
        try await timed("flush") { () async throws(FirewallError) in try await wrapped.flush() }
    }

    public func list() async throws(FirewallError) -> [BanEntry] {
        try await timed("list") { () async throws(FirewallError) in try await wrapped.list() }
    }

    public func lookup(_ address: IPAddress) async throws(FirewallError) -> BanEntry? {
        try await timed("lookup") { () async throws(FirewallError) in try await wrapped.lookup(address) }
    }

    private func timed<Result>(_ operation: String, _ body: () async throws(FirewallError) -> Result) async throws(FirewallError) -> Result {
        let start = ContinuousClock.now
        defer { timers[operation]?.recordElapsed(since: start) }
        return try await body()
    }
}

extension CoreMetrics.Timer {
    /// Records the time elapsed since `start` (nanoseconds, saturating).
    func recordElapsed(since start: ContinuousClock.Instant) {
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        recordNanoseconds(seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue + attoseconds / 1_000_000_000)
    }
}
