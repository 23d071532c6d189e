import KobraKaiAddress
import KobraKaiCore
import KobraKaiFirewall
import ServiceLifecycle

/// The feed services `kobrakai run` adds: APIBAN when `apiban.enabled`, the blocklists when
/// `blocklists.files` is not empty. Both ban straight into the firewall (like the CrowdSec bouncer) and
/// check the engine's allowlist, so a reload's allowlist applies to them too.
public struct FeedServices: Sendable {
    public let apiban: APIBanService?
    public let blocklists: BlocklistService?

    public init(apiban: APIBanService?, blocklists: BlocklistService?) {
        self.apiban = apiban
        self.blocklists = blocklists
    }

    /// Every feed ban also goes into the ban history (`kobrakai report` by origin); `onBansApplied` is told too.
    /// Reads the APIBAN key (inline or from `apiban.key_file`, refused when other users can read it).
    /// - Throws: `DaemonStartupError` (exit 78) naming the key.
    public static func make(
        _ configuration: Configuration, firewall: any Firewall, store: StateStore, engine: BanEngine,
        onBansApplied: (@Sendable ([BanRecord]) -> Void)? = nil
    ) throws(DaemonStartupError) -> FeedServices {
        let isProtected: @Sendable (IPPrefix) async -> Bool = { await engine.allowlistEntry(overlapping: $0) != nil }
        let history = recordingHistory(in: store)
        let onBansApplied: @Sendable ([BanRecord]) -> Void = { records in
            history(records)
            onBansApplied?(records)
        }
        var apiban: APIBanService?
        if configuration.apiban.enabled {
            let key = try apiBanKey(configuration.apiban)
            apiban = APIBanService(
                client: APIBanClient(baseURL: configuration.apiban.url, key: key), firewall: firewall, store: store,
                banTime: configuration.apiban.banTime, interval: configuration.apiban.interval, isProtected: isProtected,
                onBansApplied: onBansApplied)
        }
        let blocklists = configuration.blocklists.files.isEmpty ? nil : BlocklistService(
            configuration: configuration.blocklists, firewall: firewall, isProtected: isProtected, onBansApplied: onBansApplied)
        return FeedServices(apiban: apiban, blocklists: blocklists)
    }

    static func apiBanKey(_ configuration: APIBanConfiguration) throws(DaemonStartupError) -> String {
        guard let file = configuration.keyFile else {
            guard let key = configuration.key, !key.isEmpty else { throw .configuration("apiban: apiban.key or apiban.key_file is required") }
            return key
        }
        let key: String
        do {
            key = try AMISecretFile.read(file)
        } catch {
            throw .configuration(CrowdSecCredential.message(error, key: "apiban.key_file"))
        }
        // The key goes into the URL path.
        guard key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw .configuration("apiban.key_file \(file): the key must be letters, digits, '-' or '_'")
        }
        return key
    }

    /// Run after a ruleset repair: the feeds' bans are in no store, so they are fetched or read again.
    public func rulesetRepaired() {
        apiban?.restartFromFirstPage()
        blocklists?.refreshNow()
    }

    public var services: [any Service] { [apiban as (any Service)?, blocklists].compactMap { $0 } }

    /// For `kobrakai status`: `apiban` ("disabled" or its health) and `blocklists` (one object per file).
    public var controlValues: [String: ControlValue] {
        [
            "apiban": apiban.map { Self.json($0.health) } ?? .string("disabled"),
            "blocklists": .array((blocklists?.health ?? []).map { file in
                guard case .object(var object) = Self.json(file.feed) else { return .null }
                object["path"] = .string(file.path)
                object["bad_lines"] = .integer(Int64(file.badLines))
                return .object(object)
            }),
        ]
    }

    static func json(_ health: FeedHealth) -> ControlValue {
        var object: [String: ControlValue] = [
            "state": .string(health.state), "consecutive_failures": .integer(Int64(health.consecutiveFailures)),
            "listed": .integer(Int64(health.listed)), "applied": .integer(Int64(health.applied)),
            "refreshed": .integer(Int64(health.refreshed)), "removed": .integer(Int64(health.removed)),
            "skipped_allowlisted": .integer(Int64(health.skippedProtected)), "invalid": .integer(Int64(health.invalid)),
            "rejected": .integer(Int64(health.rejected)),
        ]
        if let lastSuccess = health.lastSuccess { object["last_success_at_ms"] = .integer(lastSuccess.millisecondsSinceEpoch) }
        if let lastError = health.lastError { object["last_error"] = .string(lastError) }
        return .object(object)
    }
}
