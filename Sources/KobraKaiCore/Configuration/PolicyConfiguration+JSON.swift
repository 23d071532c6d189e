extension PolicyConfiguration {
    /// Reads the `policy` section over the defaults; unknown keys become warnings.
    static func read(_ reader: inout ConfigurationReader, warnings: inout [ConfigurationWarning]) throws(ConfigurationError) -> PolicyConfiguration {
        var policy = PolicyConfiguration()
        if let value = try reader.integer("threshold", in: 1...100_000) { policy.threshold = value }
        if let value = try reader.duration("window") { policy.window = value }
        if let value = try reader.decimal("low_weight") { policy.lowWeight = value }
        if let value = try reader.integer("ipv6_tracking_prefix", in: 32...128) { policy.ipv6TrackingPrefixLength = value }
        if let value = try reader.integer("ipv6_ban_prefix", in: 32...128) { policy.ipv6BanPrefixLength = value }
        if var rules = try reader.object("rules") {
            policy.rules = try readRules(&rules, warnings: &warnings)
        }
        if var section = try reader.object("enumeration") {
            if let value = try section.bool("enabled") { policy.enumeration.enabled = value }
            if let value = try section.integer("accounts", in: 2...1000) { policy.enumeration.accounts = value }
            if let value = try section.duration("window") { policy.enumeration.window = value }
            warnings += section.unknownKeyWarnings()
        }
        if var section = try reader.object("ban_time") {
            if let value = try section.duration("base") { policy.banTime.base = value }
            if let value = try section.decimal("factor") { policy.banTime.factor = value }
            if let value = try section.duration("max") { policy.banTime.maximum = value }
            if let value = try section.duration("history") { policy.banTime.history = value }
            warnings += section.unknownKeyWarnings()
        }
        if var section = try reader.object("subnet") {
            if let value = try section.bool("enabled") { policy.subnet.enabled = value }
            if let value = try section.integer("hosts", in: 2...64) { policy.subnet.hosts = value }
            if let value = try section.duration("window") { policy.subnet.window = value }
            if let value = try section.integer("ipv4_prefix", in: 8...31) { policy.subnet.ipv4PrefixLength = value }
            if let value = try section.integer("ipv6_prefix", in: 16...127) { policy.subnet.ipv6PrefixLength = value }
            warnings += section.unknownKeyWarnings()
        }
        if var section = try reader.object("trust") {
            if let value = try section.bool("enabled") { policy.trust.enabled = value }
            if let value = try section.duration("duration") { policy.trust.duration = value }
            if let value = try section.integer("multiplier", in: 1...100) { policy.trust.multiplier = value }
            if let value = try section.bool("applies_to_high_severity") { policy.trust.appliesToHighSeverity = value }
            if let value = try section.stringArray("success_rules") { policy.trust.successRules = value }
            warnings += section.unknownKeyWarnings()
        }
        if var section = try reader.object("limits") {
            if let value = try section.integer("max_addresses", in: 1...10_000_000) { policy.limits.maxTrackedAddresses = value }
            if let value = try section.integer("max_offenders", in: 1...10_000_000) { policy.limits.maxOffenders = value }
            if let value = try section.integer("max_subnets", in: 1...10_000_000) { policy.limits.maxSubnets = value }
            if let value = try section.integer("max_trusted", in: 1...10_000_000) { policy.limits.maxTrustedAddresses = value }
            if let value = try section.integer("max_account_pairs", in: 1...10_000_000) { policy.limits.maxAccountPairs = value }
            if let value = try section.integer("events_per_address", in: 2...256) { policy.limits.eventsPerAddress = value }
            warnings += section.unknownKeyWarnings()
        }
        warnings += reader.unknownKeyWarnings()
        return policy
    }

    /// `"rules": { "pjsip.request.no-endpoint": { "threshold": 3, "window": "2m" }, "ami.*": { "severity": "high" } }`
    private static func readRules(_ reader: inout ConfigurationReader, warnings: inout [ConfigurationWarning]) throws(ConfigurationError) -> [RuleOverride] {
        var overrides: [RuleOverride] = []
        for selector in reader.keysInOrder {
            guard var rule = try reader.object(selector) else { continue }
            var override = RuleOverride(selector: selector)
            override.threshold = try rule.integer("threshold", in: 1...100_000)
            override.window = try rule.duration("window")
            override.severity = try rule.severity("severity")
            warnings += rule.unknownKeyWarnings()
            overrides.append(override)
        }
        guard overrides.count <= 1000 else {
            throw ConfigurationError(keyPath: reader.path, reason: "at most 1000 rule overrides are supported")
        }
        return overrides
    }
}
