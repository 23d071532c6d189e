/// Accepts the keys of KobraKai v2.3 (the Python `kobrakai-config.json`) so an existing file keeps
/// working, mapping each to its modern equivalent and saying so in a warning. A modern key given in the
/// same file wins over its v2.3 counterpart. The mapping is documented in docs/configuration.md.
enum LegacyConfigurationMapper {
    /// v2.3 keys that described its own files and log housekeeping; nothing in KobraKai needs them.
    static let retiredKeys: [String: String] = [
        "hacker_ips_file": "ban history is kept in state_directory",
        "watch_list_file": "counters live in memory, bounded by policy.limits",
        "log_rotation_days": "KobraKai logs to the journal",
        "log_max_size_mb": "KobraKai logs to the journal",
        "data_dir": "use state_directory",
    ]

    static func apply(
        _ reader: inout ConfigurationReader, root: JSONValue, to configuration: inout Configuration,
        warnings: inout [ConfigurationWarning]
    ) throws(ConfigurationError) {
        func note(_ key: String, _ message: String) {
            warnings.append(ConfigurationWarning(keyPath: key, message: "KobraKai v2.3 key \(key): \(message)"))
        }
        func modernKeyPresent(_ path: String...) -> Bool { Self.present(path, in: root) }

        if let path = try reader.path("log_file") {
            if modernKeyPresent("log_sources") {
                note("log_file", "ignored because log_sources is set")
            } else {
                configuration.logSources = [LogSourceConfiguration(path: path, format: .asterisk)]
                note("log_file", "mapped to log_sources[0].path")
            }
        }
        if let path = try reader.path("ignore_list_file") {
            if !configuration.allowlist.files.contains(path) { configuration.allowlist.files.append(path) }
            note("ignore_list_file", "mapped to allowlist.files")
        }
        if let prefixes = try reader.prefixArray("whitelist_networks") {
            configuration.allowlist.prefixes += prefixes
            note("whitelist_networks", "mapped to allowlist.cidrs")
        }
        if let attempts = try reader.integer("rate_limit_attempts", in: 1...99_999) {
            if modernKeyPresent("policy", "threshold") {
                note("rate_limit_attempts", "ignored because policy.threshold is set")
            } else {
                // v2.3 banned when an address had MORE than rate_limit_attempts events in the window.
                configuration.policy.threshold = attempts + 1
                note("rate_limit_attempts", "mapped to policy.threshold = \(attempts + 1) (v2.3 banned above the limit)")
            }
        }
        if let window = try reader.duration("rate_limit_window") {
            if modernKeyPresent("policy", "window") {
                note("rate_limit_window", "ignored because policy.window is set")
            } else {
                configuration.policy.window = window
                note("rate_limit_window", "mapped to policy.window")
            }
        }
        if let enabled = try reader.bool("enable_rate_limiting"), !enabled {
            note("enable_rate_limiting", "false has no equivalent: repeated events still ban at policy.threshold, as v2.3's watch list did")
        }
        if let threshold = try reader.integer("block_subnet_threshold", in: 1...63) {
            if modernKeyPresent("policy", "subnet", "hosts") {
                note("block_subnet_threshold", "ignored because policy.subnet.hosts is set")
            } else {
                // v2.3 blocked the /24 when `threshold` OTHER addresses of it were already blocked.
                configuration.policy.subnet.hosts = threshold + 1
                note("block_subnet_threshold", "mapped to policy.subnet.hosts = \(threshold + 1) (v2.3 counted the other hosts)")
            }
        }
        if let enabled = try reader.bool("enable_subnet_blocking") {
            if modernKeyPresent("policy", "subnet", "enabled") {
                note("enable_subnet_blocking", "ignored because policy.subnet.enabled is set")
            } else {
                configuration.policy.subnet.enabled = enabled
                note("enable_subnet_blocking", "mapped to policy.subnet.enabled")
            }
        }
        let patternsEnabled = try reader.bool("enable_pattern_recognition") ?? true
        if var patterns = try reader.object("attack_patterns") {
            if !patternsEnabled {
                note("attack_patterns", "not used because enable_pattern_recognition is false")
                _ = patterns.value("severity_high"); _ = patterns.value("severity_medium"); _ = patterns.value("severity_low")
            } else {
                try mapAttackPatterns(&patterns, to: &configuration, warnings: &warnings)
            }
            warnings += patterns.unknownKeyWarnings()
        }
        for key in retiredKeys.keys.sorted() where reader.has(key) {
            _ = reader.value(key)
            note(key, "no longer used (\(retiredKeys[key]!))")
        }
    }

    /// v2.3 patterns were regexes without an address placeholder: v2.3 took the first address-like text
    /// of the line, which let attackers choose whom it banned. A pattern is kept only if it contains
    /// `<HOST>` and uses no regex feature beyond `.*`; others are reported and skipped (the built-in
    /// rule catalogue already covers v2.3's default patterns).
    private static func mapAttackPatterns(
        _ reader: inout ConfigurationReader, to configuration: inout Configuration, warnings: inout [ConfigurationWarning]
    ) throws(ConfigurationError) {
        for (key, severity, label) in [("severity_high", Severity.high, "high"), ("severity_medium", .medium, "medium"), ("severity_low", .low, "low")] {
            guard let list = try reader.stringArray(key) else { continue }
            for (index, regex) in list.enumerated() {
                let path = "\(reader.childPath(key))[\(index)]"
                guard regex.contains("<HOST>") else {
                    warnings.append(ConfigurationWarning(
                        keyPath: path,
                        message: "KobraKai v2.3 pattern \"\(regex)\" skipped: it has no <HOST> placeholder (built-in rules cover the v2.3 defaults; add <HOST> to keep it)"))
                    continue
                }
                guard let translated = CustomPattern.translateLegacyRegex(regex) else {
                    warnings.append(ConfigurationWarning(
                        keyPath: path,
                        message: "KobraKai v2.3 pattern \"\(regex)\" skipped: only literal text, .* and <HOST> can be translated"))
                    continue
                }
                do {
                    configuration.patterns.append(try CustomPattern(name: "v2-\(label)-\(index + 1)", pattern: translated, severity: severity))
                } catch {
                    throw ConfigurationError(keyPath: path, reason: error.description)
                }
            }
        }
    }

    /// True when the JSON tree has a non-null value at `path`.
    private static func present(_ path: [String], in root: JSONValue) -> Bool {
        var current = root
        for key in path {
            guard case .object(let members) = current, let member = members.first(where: { $0.key == key }) else { return false }
            current = member.value
        }
        if case .null = current { return false }
        return true
    }
}
