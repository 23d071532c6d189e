import KobraKaiFirewall

/// The `crowdsec` section.
extension ConfigurationLoader {
    static func readCrowdSec(_ reader: inout ConfigurationReader) throws(ConfigurationError) -> CrowdSecConfiguration {
        var crowdsec = CrowdSecConfiguration()
        if let value = try reader.bool("enabled") { crowdsec.enabled = value }
        if let value = try reader.string("lapi_url") {
            guard value.hasPrefix("http://") || value.hasPrefix("https://"), value.count > "https://".count else {
                throw ConfigurationError(keyPath: "crowdsec.lapi_url", reason: "must be an http:// or https:// URL, got \"\(value)\"")
            }
            crowdsec.lapiURL = value.hasSuffix("/") ? String(value.dropLast()) : value
        }
        crowdsec.bouncerAPIKey = try reader.string("bouncer_api_key")
        crowdsec.bouncerAPIKeyFile = try reader.path("bouncer_api_key_file")
        if let value = try reader.duration("pull_interval") { crowdsec.pullInterval = value }
        if let value = try readFullPullInterval(&reader) { crowdsec.fullPullInterval = value }
        if let value = try reader.bool("push_enabled") { crowdsec.pushEnabled = value }
        if let value = try reader.string("machine_id") { crowdsec.machineID = value }
        crowdsec.password = try reader.string("password")
        crowdsec.passwordFile = try reader.path("password_file")
        if let value = try reader.string("scenario") {
            guard !value.isEmpty, value.utf8.count <= 128, value.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                throw ConfigurationError(keyPath: "crowdsec.scenario", reason: "must be a short name without spaces, like kobrakai/voip-attack")
            }
            crowdsec.scenario = value
        }
        if crowdsec.enabled {
            guard (crowdsec.bouncerAPIKey == nil) != (crowdsec.bouncerAPIKeyFile == nil) else {
                throw ConfigurationError(
                    keyPath: "crowdsec.bouncer_api_key",
                    reason: "give exactly one of crowdsec.bouncer_api_key and crowdsec.bouncer_api_key_file")
            }
        }
        if crowdsec.pushEnabled {
            guard !crowdsec.machineID.isEmpty else {
                throw ConfigurationError(keyPath: "crowdsec.machine_id", reason: "is required when crowdsec.push_enabled is true")
            }
            guard (crowdsec.password == nil) != (crowdsec.passwordFile == nil) else {
                throw ConfigurationError(
                    keyPath: "crowdsec.password", reason: "give exactly one of crowdsec.password and crowdsec.password_file")
            }
        }
        return crowdsec
    }

    /// `full_pull_interval`: a duration like the other intervals, or 0 (`0`, `"0"`, `"0s"`) to turn the periodic
    /// full pull off; `duration` itself refuses zero, which no other interval may be.
    private static func readFullPullInterval(_ reader: inout ConfigurationReader) throws(ConfigurationError) -> Duration? {
        switch reader.value("full_pull_interval") {
        case .number("0")?: return .zero
        case .string(let text)? where DurationText.parse(text) == .zero: return .zero
        default: return try reader.duration("full_pull_interval")
        }
    }
}
