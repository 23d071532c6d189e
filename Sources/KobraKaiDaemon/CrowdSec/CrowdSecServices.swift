import KobraKaiAddress
import KobraKaiCore
import KobraKaiCrowdSec
import KobraKaiFirewall
import Logging
import ServiceLifecycle

/// The CrowdSec services `kobrakai run` adds: the bouncer when `crowdsec.enabled` (CrowdSec's decisions
/// into the daemon's firewall), the watcher when `crowdsec.push_enabled` (the engine's bans to the LAPI).
/// Each runs without the other (the configuration allows pushing without pulling).
/// Credentials are read once at start; a changed `crowdsec` section needs a restart.
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

    /// The bouncer, with `isProtected` answered by the engine's allowlist (the reloaded one after a reload).
    public static func bouncer(_ configuration: CrowdSecConfiguration, firewall: any Firewall, engine: BanEngine,
                               client: LocalAPIClient? = nil) throws(DaemonStartupError) -> CrowdSecBouncerService?
    {
        guard configuration.enabled else { return nil }
        let key = try CrowdSecCredential.read(inline: configuration.bouncerAPIKey, file: configuration.bouncerAPIKeyFile,
                                              key: "crowdsec.bouncer_api_key_file")
        return CrowdSecBouncerService(client: client ?? LocalAPIClient(baseURL: configuration.lapiURL), apiKey: key, firewall: firewall,
                                      pullInterval: configuration.pullInterval,
                                      isProtected: { await engine.allowlistEntry(overlapping: $0) != nil })
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

    public var services: [any Service] { [bouncer as (any Service)?, watcher].compactMap { $0 } }

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
