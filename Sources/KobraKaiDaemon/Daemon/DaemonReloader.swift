import KobraKaiCore
import Logging

/// `kobrakai reload` and SIGHUP: re-reads the configuration, the allowlist files and the host's addresses
/// and applies them without a restart. A bad file keeps the running configuration (the error is the answer).
struct DaemonReloader: Sendable {
    let configurationPath: String
    let engine: BanEngine
    let patterns: CustomPatternsBox
    /// Log sources are fixed at start: a change is reported, not applied.
    let logSources: [LogSourceConfiguration]
    /// The AMI client started with the daemon, if any: new settings (and a re-read secret file) apply at once.
    let ami: AMIClientService?
    /// The CrowdSec section the bouncer and watcher were started with: their LAPI, machine and scenario are
    /// fixed at start; their credentials are re-read on each reload (the allowlist they check is the
    /// engine's, so that part follows a reload too).
    let crowdsec: CrowdSecConfiguration
    let crowdsecServices: CrowdSecServices
    /// The blocklists take a changed section at once (and re-read their files); APIBAN's key and URL are
    /// fixed at start.
    let feeds: FeedServices
    let apiban: APIBanConfiguration
    /// The metrics and alerts sections the daemon started with: the endpoint and the alert senders are
    /// fixed at start (a change is reported).
    var metrics: MetricsConfiguration? = nil
    var alerts: AlertsConfiguration? = nil

    func reload() async throws -> String {
        let settings = try DaemonSettings.load(path: configurationPath)
        let logger = Logger(label: "kobrakai.reload")
        let policy = try settings.makePolicy()
        // Everything that can fail is read before anything is applied: a bad file changes nothing.
        let amiSettings = ami != nil && settings.configuration.ami.enabled ? try AMIClientSettings.load(settings.configuration.ami) : nil
        // Credentials are applied only when the rest of the section is unchanged (a new LAPI URL with the
        // old connection would be half a change); a credential file that cannot be read fails the reload.
        let crowdsecUnchanged = Self.withoutCredentials(settings.configuration.crowdsec) == Self.withoutCredentials(crowdsec)
        let reread = crowdsecUnchanged ? try crowdsecServices.reloadCredentials(settings.configuration.crowdsec) : ""
        for warning in settings.warnings { logger.warning("\(warning)") }
        patterns.replace(settings.configuration.customRuleMatcher)
        let allowlist = settings.protectedAddresses
        let lifted = await engine.reload(policy: CorePolicyAdapter(policy: policy), allowlist: allowlist)
        var summary = "allowlist \(allowlist.prefixes.count) entries, \(settings.configuration.patterns.count) pattern(s)"
        if !lifted.isEmpty { summary += ", lifted \(lifted.count) allowlisted ban(s)" }
        if settings.configuration.logSources != logSources { summary += "; log_sources changed: restart to apply" }
        if !reread.isEmpty { summary += "; crowdsec \(reread) re-read" }
        if !crowdsecUnchanged { summary += "; crowdsec changed: restart to apply" }
        if settings.configuration.apiban != apiban { summary += "; apiban changed: restart to apply" }
        if let apiban = feeds.apiban, let count = try? await apiban.liftAllowlistedBans(), count > 0 {
            summary += ", lifted \(count) allowlisted APIBAN ban(s)"
        }
        if let blocklists = feeds.blocklists {
            blocklists.reload(settings.configuration.blocklists)
            summary += ", blocklists re-read"
        } else if !settings.configuration.blocklists.files.isEmpty {
            summary += "; blocklists added: restart to apply"
        }
        if let metrics, settings.configuration.metrics != metrics { summary += "; metrics changed: restart to apply" }
        if let alerts, settings.configuration.alerts != alerts { summary += "; alerts changed: restart to apply" }
        if let ami, let amiSettings {
            ami.reload(amiSettings)
        } else if (ami != nil) != settings.configuration.ami.enabled {
            summary += "; ami.enabled changed: restart to apply"
        }
        return summary
    }

    /// The section with the credential fields cleared: what must match for a reload to apply credentials.
    static func withoutCredentials(_ configuration: CrowdSecConfiguration) -> CrowdSecConfiguration {
        var stripped = configuration
        stripped.bouncerAPIKey = nil
        stripped.password = nil
        return stripped
    }
}
