import KobraKaiAddress
import KobraKaiCore
import KobraKaiCrowdSec
import KobraKaiFirewall
import Logging
import ServiceLifecycle

/// The CrowdSec services `kobrakai run` adds: the bouncer when `crowdsec.enabled` (CrowdSec's decisions
/// into the daemon's firewall), the watcher when `crowdsec.push_enabled` (the engine's bans to the LAPI).
/// Each runs without the other (the configuration allows pushing without pulling).
/// Credentials are read at start and again on each `kobrakai reload` (`reloadCredentials`); any other
/// change to the `crowdsec` section (URL, enabling, machine id, scenario, interval) needs a restart.
public struct CrowdSecServices: Sendable {
    public let bouncer: CrowdSecBouncerService?
    public let watcher: CrowdSecWatcherService?

    /// The watcher is made before the engine (the engine's `onBansApplied` feeds it), the bouncer after
    /// (its allowlist check asks the engine); hence two steps.
    public static func watcher(_ configuration: CrowdSecConfiguration, client: LocalAPIClient? = nil) throws(DaemonStartupError) -> CrowdSecWatcherService? {
        guard configuration.pushEnabled else { return nil }
        guard !configuration.machineID.isEmpty else { throw .configuration("crowdsec.push_enabled needs crowdsec.machine_id") }
        let password = try CrowdSecCredential.read(inline: configuration.password, file: configuration.passwordFile, key: "crowdsec.password_file")
        return CrowdSecWatcherService(client: client ?? LocalAPIClient(baseURL: configuration.lapiURL), machineID: configuration.machineID,
                                      password: password, scenario: configuration.scenario)
    }

    /// The bouncer, with `protectedTargets` answered by the engine's allowlist (the reloaded one after a reload).
    /// It skips the decisions this host's watcher pushed (they are local bans already) and records the bans
    /// it applies in `store`'s ban history with origin `crowdsec` and counts them in `kobrakai_bans_total`.
    public static func bouncer(_ configuration: CrowdSecConfiguration, firewall: any Firewall, engine: BanEngine,
                               store: StateStore? = nil, client: LocalAPIClient? = nil,
                               metrics: DaemonMetrics = .disabled) throws(DaemonStartupError) -> CrowdSecBouncerService?
    {
        guard configuration.enabled else { return nil }
        let key = try CrowdSecCredential.read(inline: configuration.bouncerAPIKey, file: configuration.bouncerAPIKeyFile,
                                              key: "crowdsec.bouncer_api_key_file")
        // Even with pushing off now, decisions this machine pushed earlier may still be active.
        let own = configuration.machineID.isEmpty
            ? nil : CrowdSecAlert.decisionScenario(scenario: configuration.scenario, machineID: configuration.machineID)
        return CrowdSecBouncerService(client: client ?? LocalAPIClient(baseURL: configuration.lapiURL), apiKey: key, firewall: firewall,
                                      pullInterval: configuration.pullInterval, fullPullInterval: configuration.fullPullInterval,
                                      protectedTargets: { await engine.allowlisted(among: $0) },
                                      ownDecisionScenario: own, onBansApplied: reportingBans(store: store, metrics: metrics))
    }

    /// The bouncer's applied bans: counted in `kobrakai_bans_total` with reason and origin both `crowdsec` (the
    /// scenario stays out of the labels: other agents of the LAPI name scenarios, so the series would not be
    /// bounded), then recorded in the ban history when there is a store.
    static func reportingBans(store: StateStore?, metrics: DaemonMetrics) -> @Sendable ([BanRequest]) async -> Void {
        let counter = metrics.counter(MetricName.bans, [("reason", "crowdsec"), ("origin", "crowdsec")])
        let history = store.map(recordingHistory(in:))
        return { requests in
            if !requests.isEmpty { counter.increment(by: requests.count) }
            await history?(requests)
        }
    }

    /// The bouncer's applied bans as ban-history rows (origin `crowdsec`, reason = the element comment).
    static func recordingHistory(in store: StateStore) -> @Sendable ([BanRequest]) async -> Void {
        { requests in
            let now = Timestamp.wallClock()
            let records = requests.map {
                BanRecord(target: $0.target, expiresAt: now + $0.timeout, reason: $0.comment ?? "crowdsec",
                          origin: "crowdsec", createdAt: now)
            }
            do {
                try await store.recordBanHistory(records)
            } catch {
                Logger(label: "kobrakai.crowdsec.bouncer").error("could not record CrowdSec bans in the history", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Re-reads the bouncer key and the machine password (inline or from their files, with the same checks as
    /// at start) and hands them to the running services. Everything is read before anything is applied: an
    /// unreadable file leaves both services on their current credentials.
    /// - Returns: what was re-read, for the reload summary ("" when CrowdSec is off).
    public func reloadCredentials(_ configuration: CrowdSecConfiguration) throws(DaemonStartupError) -> String {
        let key = bouncer == nil || !configuration.enabled ? nil : try CrowdSecCredential.read(
            inline: configuration.bouncerAPIKey, file: configuration.bouncerAPIKeyFile, key: "crowdsec.bouncer_api_key_file")
        let password = watcher == nil || !configuration.pushEnabled ? nil : try CrowdSecCredential.read(
            inline: configuration.password, file: configuration.passwordFile, key: "crowdsec.password_file")
        if let key { bouncer?.updateAPIKey(key) }
        if let password { watcher?.updatePassword(password) }
        return [key.map { _ in "bouncer key" }, password.map { _ in "machine password" }].compactMap { $0 }.joined(separator: " and ")
    }

    /// What the engine tells the watcher: each new ban with the time it was given.
    public static func pushing(to watcher: CrowdSecWatcherService) -> @Sendable ([BanRecord]) -> Void {
        { records in
            for record in records {
                watcher.enqueue(WatcherBan(target: record.target, duration: record.expiresAt.since(record.createdAt), reason: record.reason))
            }
        }
    }

    public init(bouncer: CrowdSecBouncerService?, watcher: CrowdSecWatcherService?) {
        self.bouncer = bouncer
        self.watcher = watcher
    }

    /// Both services (bouncer first). The daemon places them itself: the watcher before the engine (stopped
    /// after it), the bouncer after the engine's restore.
    public var services: [any Service] { [bouncer as (any Service)?, watcher].compactMap { $0 } }

    /// The daemon's services in start order (ServiceGroup stops them in reverse): the watcher first, so it
    /// stops LAST, after the engine's final flush handed it the bans made during shutdown (it then pushes
    /// them for up to its drain timeout); the bouncer after `local`, so its startup pull lands in a
    /// ruleset the engine's restore has checked.
    public func arranged(engine: any Service, then local: [any Service]) -> [any Service] {
        var services: [any Service] = watcher.map { [$0] } ?? []
        services.append(engine)
        services += local
        if let bouncer { services.append(bouncer) }
        return services
    }

    /// What `kobrakai unban` tells the watcher: delete this machine's decisions for the lifted targets.
    public static func deleting(from watcher: CrowdSecWatcherService) -> @Sendable ([IPPrefix]) -> Void {
        { targets in watcher.enqueueDeletion(targets) }
    }

    /// For `kobrakai status`: "disabled", or each component's health (or "disabled").
    public var controlValue: ControlValue {
        guard bouncer != nil || watcher != nil else { return .string("disabled") }
        return .object([
            "bouncer": bouncer.map { Self.json($0.health) } ?? .string("disabled"),
            "watcher": watcher.map { Self.json($0.health) } ?? .string("disabled"),
        ])
    }

    private static func json(_ health: CrowdSecHealth) -> ControlValue {
        var object: [String: ControlValue] = [
            "state": .string(health.consecutiveFailures == 0 ? (health.lastSuccess == nil ? "starting" : "ok") : "failing"),
            "consecutive_failures": .integer(Int64(health.consecutiveFailures)),
            "pending": .integer(Int64(health.pending)), "applied": .integer(Int64(health.applied)),
            "removed": .integer(Int64(health.removed)), "skipped": .integer(Int64(health.skipped)),
            "rejected": .integer(Int64(health.rejected)),
        ]
        if let lastSuccess = health.lastSuccess { object["last_success_at_ms"] = .integer(Int64(lastSuccess.timeIntervalSince1970 * 1000)) }
        if let lastError = health.lastError { object["last_error"] = .string(lastError) }
        return .object(object)
    }
}
