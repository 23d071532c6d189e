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

    func reload() async throws -> String {
        let settings = try DaemonSettings.load(path: configurationPath)
        let policy = try settings.makePolicy()
        let logger = Logger(label: "kobrakai.reload")
        for warning in settings.warnings { logger.warning("\(warning)") }
        patterns.replace(settings.configuration.customRuleMatcher)
        let allowlist = settings.protectedAddresses
        let lifted = await engine.reload(policy: PolicyDecider(policy), allowlist: allowlist)
        var summary = "allowlist \(allowlist.prefixes.count) entries, \(settings.configuration.patterns.count) pattern(s)"
        if !lifted.isEmpty { summary += ", lifted \(lifted.count) allowlisted ban(s)" }
        if settings.configuration.logSources != logSources { summary += "; log_sources changed: restart to apply" }
        return summary
    }
}
