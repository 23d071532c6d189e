import KobraKaiAddress

/// The pure ban policy: events in, ban decisions out. No clock, no I/O; time is passed in.
///
/// Semantics (the README explains them for operators):
/// - An allowlisted address (configuration, runtime addresses, loopback) is dropped before anything is
///   counted, and no decision ever targets a prefix that contains an allowlisted address.
/// - `high` bans on the first event. `medium` counts 1 and `low` counts `lowWeight` toward the rule's
///   threshold within the rule's window (inclusive: an event exactly `window` old still counts).
///   `informational` never bans; a successful authentication makes its address trusted for a while,
///   multiplying its thresholds.
/// - Distinct accounts from one address within the enumeration window ban it.
/// - Each repeat ban of a target within the history window lasts `factor` times longer, up to the cap.
/// - Several banned hosts in one network within the subnet window ban the network.
/// - While the policy's own last ban of a target is in force, events from it are counted as suppressed and
///   produce no decision (the kernel already drops its packets); counting restarts when the ban ends.
/// - Event time is the event's own timestamp when it has one, never later than `now` and never earlier
///   than an event already seen (a backlog of log lines keeps its real spacing; skewed clocks cannot
///   move windows backwards). Ban expiry is measured from `now`.
///
/// Every operation is O(1) amortised and all memory is capped by `PolicyLimits`.
public struct BanPolicy: Sendable {
    public let configuration: PolicyConfiguration
    public private(set) var allowlist: Allowlist
    public private(set) var statistics = PolicyStatistics()

    private var rules: RuleResolver
    private var activity: AddressActivityTable
    private var accounts: AccountEnumerationTracker
    private var offenders: OffenderTable
    private var subnets: SubnetTracker
    private var trust: TrustTable
    private let lowPoints: Int32
    /// The latest event time seen, in milliseconds: event time never runs backwards.
    private var clock: Int64 = .min

    /// - Throws: `ConfigurationError` when `configuration` does not validate.
    public init(configuration: PolicyConfiguration, allowlist: Allowlist = Allowlist()) throws(ConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        self.allowlist = allowlist
        rules = RuleResolver(configuration: configuration)
        let limits = configuration.limits
        activity = AddressActivityTable(
            capacity: limits.maxTrackedAddresses, eventsPerAddress: limits.eventsPerAddress,
            longestWindow: rules.longestWindow)
        accounts = AccountEnumerationTracker(capacity: limits.maxAccountPairs, window: configuration.enumeration.window)
        offenders = OffenderTable(capacity: limits.maxOffenders, settings: configuration.banTime)
        subnets = SubnetTracker(
            capacity: limits.maxSubnets, hostsPerNetwork: configuration.subnet.hosts, window: configuration.subnet.window)
        trust = TrustTable(capacity: limits.maxTrustedAddresses)
        // Round half up by hand: `rounded()` would need libm, which the pure core does not link.
        lowPoints = Int32(configuration.lowWeight * Double(RuleResolver.mediumPoints) + 0.5)
    }

    /// Addresses (IPv6: tracking prefixes) with live counters; never above `limits.maxTrackedAddresses`.
    public var trackedAddressCount: Int { activity.count }

    /// Current entries per table, for metrics; each is bounded by its `PolicyLimits` cap.
    public var tableSizes: PolicyTableSizes {
        PolicyTableSizes(
            trackedAddresses: activity.count, offenders: offenders.count, subnets: subnets.count,
            trustedAddresses: trust.count, accountPairs: accounts.pairCount)
    }

    /// Feeds one event; returns the bans it causes (usually none; a host ban may come with a subnet ban).
    public mutating func observe(_ event: SecurityEvent, now: Timestamp) -> [BanDecision] {
        statistics.eventsObserved += 1
        let address = event.address
        if allowlist.contains(address) {
            statistics.allowlistedEvents += 1
            return []
        }
        let nowMilliseconds = now.millisecondsSinceEpoch
        let eventTime = min(event.time?.millisecondsSinceEpoch ?? nowMilliseconds, nowMilliseconds)
        if eventTime > clock { clock = eventTime }
        let time = clock
        let rule = rules.resolve(event.rule)
        let severity = rule.severityOverride ?? event.severity
        let key = trackingKey(address)
        activity.expireIdle(now: time, limit: 2)

        if severity == .informational {
            if configuration.trust.enabled && rule.isSuccessfulAuthentication {
                trust.grant(key, until: nowMilliseconds + configuration.trust.duration.milliseconds)
            }
            return []
        }
        if isBanned(address, now: nowMilliseconds) {
            statistics.suppressedWhileBanned += 1
            return []
        }
        let trusted = configuration.trust.enabled && trust.isTrusted(key, now: nowMilliseconds)
        let multiplier = trusted ? configuration.trust.multiplier : 1

        if severity == .high && !(trusted && configuration.trust.appliesToHighSeverity) {
            return ban(event, trackingKey: key, kind: .firstEvent, reason: ReasonText.firstEvent(rule: event.rule), now: now)
        }
        let points = severity == .low ? lowPoints : RuleResolver.mediumPoints
        if points > 0 {
            let counted = activity.record(key, time: time, points: points, classIndex: rule.classIndex, window: rule.window)
            statistics.evictedAddresses = activity.evictions
            if counted.points >= rule.thresholdPoints * multiplier {
                let reason = ReasonText.threshold(rule: event.rule, events: counted.events, window: rule.window)
                return ban(event, trackingKey: key, kind: .threshold, reason: reason, now: now)
            }
        }
        if configuration.enumeration.enabled, let account = event.account, !account.isEmpty {
            let distinct = accounts.record(key, account: account, time: time)
            if distinct >= configuration.enumeration.accounts * multiplier {
                let reason = ReasonText.enumeration(accounts: distinct, window: configuration.enumeration.window)
                return ban(event, trackingKey: key, kind: .enumeration, reason: reason, now: now)
            }
        }
        return []
    }

    /// True while the policy's own ban covers `address` (host or escalated network).
    public func isBanned(_ address: IPAddress, now: Timestamp) -> Bool {
        isBanned(address, now: now.millisecondsSinceEpoch)
    }

    // MARK: Reload and operator actions

    /// Replaces the operator's allowlist entries (configuration reload). Runtime addresses and loopback stay.
    public mutating func replaceAllowlist(_ prefixes: [IPPrefix]) {
        allowlist.replacePrefixes(prefixes)
    }

    /// Replaces the daemon-supplied addresses (own interfaces), which are always allowlisted.
    public mutating func replaceRuntimeAddresses(_ addresses: [IPAddress]) {
        allowlist.replaceRuntimeAddresses(addresses)
    }

    /// Forgets that `target` is currently banned (an operator lifted the ban), so new events count again.
    /// The offence count is kept, so a relapse is still a repeat ban.
    public mutating func releaseBan(of target: IPPrefix, now: Timestamp) {
        offenders.release(target, now: now.millisecondsSinceEpoch)
    }

    // MARK: Persistence

    /// The ban history, least recently banned first, for the daemon to persist.
    public func offenderHistory() -> [OffenderRecord] { offenders.records() }

    /// Restores persisted history: records older than the history window are dropped, active bans keep
    /// suppressing duplicates, and offence counts keep escalating ban times.
    public mutating func restore(_ records: [OffenderRecord], now: Timestamp) {
        offenders.restore(records, now: now.millisecondsSinceEpoch)
    }

    /// History entries whose ban is still in force, e.g. to re-assert them after the ruleset was flushed.
    /// Targets that now touch the allowlist are left out: re-asserting them would ban an allowlisted address.
    public func activeBans(now: Timestamp) -> [OffenderRecord] {
        offenders.records().filter { $0.isActive(at: now) && !allowlist.intersects($0.target) }
    }

    /// Bans still in force whose target touches the (reloaded) allowlist: the daemon should lift them
    /// from the kernel set, then call `releaseBan(of:now:)`.
    public func allowlistedActiveBans(now: Timestamp) -> [OffenderRecord] {
        offenders.records().filter { $0.isActive(at: now) && allowlist.intersects($0.target) }
    }

    // MARK: Internals

    private func trackingKey(_ address: IPAddress) -> IPPrefix {
        address.isIPv4
            ? IPPrefix(host: address) : IPPrefix(address: address, length: configuration.ipv6TrackingPrefixLength)
    }

    private func subnetKey(_ address: IPAddress) -> IPPrefix {
        IPPrefix(
            address: address,
            length: address.isIPv4 ? configuration.subnet.ipv4PrefixLength : configuration.subnet.ipv6PrefixLength)
    }

    /// The host ban target: the address itself, or for IPv6 the configured ban prefix unless that prefix
    /// contains an allowlisted address (then the single /128).
    private func hostTarget(_ address: IPAddress) -> (target: IPPrefix, narrowed: Bool) {
        guard !address.isIPv4, configuration.ipv6BanPrefixLength < 128 else { return (IPPrefix(host: address), false) }
        let prefix = IPPrefix(address: address, length: configuration.ipv6BanPrefixLength)
        return allowlist.intersects(prefix) ? (IPPrefix(host: address), true) : (prefix, false)
    }

    private func isBanned(_ address: IPAddress, now: Int64) -> Bool {
        guard !offenders.isEmpty else { return false }
        if offenders.isBanned(hostTarget(address).target, now: now) { return true }
        if !address.isIPv4 && offenders.isBanned(IPPrefix(host: address), now: now) { return true }
        return configuration.subnet.enabled && offenders.isBanned(subnetKey(address), now: now)
    }

    private mutating func ban(
        _ event: SecurityEvent, trackingKey key: IPPrefix, kind: BanKind, reason: String, now: Timestamp
    ) -> [BanDecision] {
        let address = event.address
        let nowMilliseconds = now.millisecondsSinceEpoch
        let (target, narrowed) = hostTarget(address)
        if narrowed { statistics.bansNarrowedByAllowlist += 1 }
        let (offence, duration) = offenders.recordBan(target, now: nowMilliseconds)
        activity.remove(key)
        accounts.reset(key)
        statistics.hostBans += 1
        var decisions = [
            BanDecision(
                target: target, address: address, duration: duration,
                reason: ReasonText.withOffence(reason, offence: offence), rule: event.rule, kind: kind,
                origin: event.origin, time: now, offence: offence)
        ]
        if configuration.subnet.enabled, let escalation = escalate(event, host: target, now: now) {
            decisions.append(escalation)
        }
        return decisions
    }

    private mutating func escalate(_ event: SecurityEvent, host: IPPrefix, now: Timestamp) -> BanDecision? {
        let address = event.address
        let nowMilliseconds = now.millisecondsSinceEpoch
        let network = subnetKey(address)
        let hosts = subnets.recordHostBan(host, in: network, time: nowMilliseconds)
        guard hosts >= configuration.subnet.hosts, !offenders.isBanned(network, now: nowMilliseconds) else { return nil }
        guard !allowlist.intersects(network) else {
            statistics.escalationsRefusedByAllowlist += 1
            return nil
        }
        subnets.remove(network)
        let (offence, duration) = offenders.recordBan(network, now: nowMilliseconds)
        statistics.subnetBans += 1
        let reason = ReasonText.subnet(hosts: hosts, network: network.description, window: configuration.subnet.window)
        return BanDecision(
            target: network, address: address, duration: duration,
            reason: ReasonText.withOffence(reason, offence: offence), rule: event.rule, kind: .subnet,
            origin: event.origin, time: now, offence: offence)
    }
}
