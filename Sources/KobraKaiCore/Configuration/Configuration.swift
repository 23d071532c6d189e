import KobraKaiAddress

/// The whole daemon configuration, decoded from JSON (`/etc/kobrakai/kobrakai.json`; see
/// `docs/configuration.md`). Reading the file is the caller's job: the core only parses text.
public struct Configuration: Hashable, Sendable {
    public var logSources: [LogSourceConfiguration] = [LogSourceConfiguration(path: "/var/log/asterisk/full", format: .asterisk)]
    public var ami = AMIConfiguration()
    public var policy = PolicyConfiguration()
    public var allowlist = AllowlistConfiguration()
    /// Operator line patterns, compiled.
    public var patterns: [CustomPattern] = []
    public var firewall = FirewallConfiguration()
    public var crowdsec = CrowdSecConfiguration()
    /// Event and ban history kept for `kobrakai report`.
    public var history = HistoryConfiguration()
    /// APIBAN import (off by default).
    public var apiban = APIBanConfiguration()
    /// Blocklist files (none by default).
    public var blocklists = BlocklistConfiguration()
    /// The Prometheus endpoint (off by default).
    public var metrics = MetricsConfiguration()
    /// Webhook and e-mail alerts (off until configured).
    public var alerts = AlertsConfiguration()
    /// Where the daemon keeps its ban history and log positions.
    public var stateDirectory = "/var/lib/kobrakai"
    /// The Unix socket `kkset`/`kobrakai status` talk to.
    public var controlSocket = "/run/kobrakai/control.sock"
    /// Accepted-but-suspicious things found while loading (unknown keys, v2.3 keys and what they became).
    public var warnings: [ConfigurationWarning] = []

    /// The defaults, as if loading `{}`.
    public init() {}

    /// Parses and validates a configuration document.
    /// - Throws: `ConfigurationError` with the key path of the first bad value (exit code 78 in the executable).
    public static func load(from text: String) throws(ConfigurationError) -> Configuration {
        try load(from: Array(text.utf8))
    }

    /// Parses and validates a configuration document given as UTF-8 bytes.
    public static func load(from bytes: [UInt8]) throws(ConfigurationError) -> Configuration {
        try ConfigurationLoader.load(JSONParser.parse(bytes))
    }

    /// A matcher for the operator's patterns.
    public var customRuleMatcher: CustomRuleMatcher { CustomRuleMatcher(patterns: patterns) }

    /// Builds the ban policy. `allowlistFileEntries` are the entries the daemon read from
    /// `allowlist.files`; `runtimeAddresses` are its own interface addresses.
    public func makePolicy(allowlistFileEntries: [IPPrefix] = [], runtimeAddresses: [IPAddress] = []) throws(ConfigurationError) -> BanPolicy {
        try BanPolicy(
            configuration: policy,
            allowlist: Allowlist(prefixes: allowlist.prefixes + allowlistFileEntries, runtimeAddresses: runtimeAddresses))
    }
}
