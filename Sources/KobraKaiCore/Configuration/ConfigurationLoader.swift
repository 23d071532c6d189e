import KobraKaiAddress

/// Decodes the JSON tree into a `Configuration`, section by section, then applies KobraKai v2.3 keys.
enum ConfigurationLoader {
    static func load(_ root: JSONValue) throws(ConfigurationError) -> Configuration {
        var reader = try ConfigurationReader(root, path: "")
        var configuration = Configuration()
        var warnings: [ConfigurationWarning] = []

        if let sources = try reader.array("log_sources") {
            configuration.logSources = try readLogSources(sources, warnings: &warnings)
        }
        if var section = try reader.object("ami") {
            configuration.ami = try readAMI(&section)
            warnings += section.unknownKeyWarnings()
        }
        if var section = try reader.object("policy") {
            configuration.policy = try PolicyConfiguration.read(&section, warnings: &warnings)
        }
        if var section = try reader.object("allowlist") {
            if let prefixes = try section.prefixArray("cidrs") { configuration.allowlist.prefixes = prefixes }
            if let files = try section.array("files") { configuration.allowlist.files = try readPaths(files, path: "allowlist.files") }
            warnings += section.unknownKeyWarnings()
        }
        if let patterns = try reader.array("patterns") {
            configuration.patterns = try readPatterns(patterns, warnings: &warnings)
        }
        if var section = try reader.object("firewall") {
            configuration.firewall = try readFirewall(&section)
            warnings += section.unknownKeyWarnings()
        }
        if var section = try reader.object("crowdsec") {
            configuration.crowdsec = try readCrowdSec(&section)
            warnings += section.unknownKeyWarnings()
        }
        if var section = try reader.object("history") {
            configuration.history = try readHistory(&section)
            warnings += section.unknownKeyWarnings()
        }
        if var section = try reader.object("apiban") {
            configuration.apiban = try readAPIBan(&section, warnings: &warnings)
            warnings += section.unknownKeyWarnings()
        }
        if var section = try reader.object("blocklists") {
            configuration.blocklists = try readBlocklists(&section)
            warnings += section.unknownKeyWarnings()
        }
        if var section = try reader.object("metrics") {
            configuration.metrics = try readMetrics(&section, warnings: &warnings)
            warnings += section.unknownKeyWarnings()
        }
        if var section = try reader.object("alerts") {
            configuration.alerts = try readAlerts(&section, warnings: &warnings)
            warnings += section.unknownKeyWarnings()
        }
        warnings += broadAllowlistWarnings(configuration.allowlist.prefixes)
        if let value = try reader.path("state_directory") { configuration.stateDirectory = value }
        if let value = try reader.path("control_socket") { configuration.controlSocket = value }

        try LegacyConfigurationMapper.apply(&reader, root: root, to: &configuration, warnings: &warnings)
        warnings += reader.unknownKeyWarnings()

        try configuration.policy.validate()
        warnings += RuleReferenceCheck.warnings(for: configuration)
        configuration.warnings = warnings
        return configuration
    }

    /// An allowlist entry this wide is almost certainly a typo (`0.0.0.0/0` disables banning entirely).
    private static func broadAllowlistWarnings(_ prefixes: [IPPrefix]) -> [ConfigurationWarning] {
        prefixes.enumerated().compactMap { index, prefix in
            guard prefix.length < (prefix.isIPv4 ? 8 : 16) else { return nil }
            return ConfigurationWarning(
                keyPath: "allowlist.cidrs[\(index)]",
                message: "\(prefix) allowlists a huge part of the address space: addresses in it are never banned")
        }
    }

    private static func readLogSources(
        _ elements: [JSONValue], warnings: inout [ConfigurationWarning]
    ) throws(ConfigurationError) -> [LogSourceConfiguration] {
        var sources: [LogSourceConfiguration] = []
        for (index, element) in elements.enumerated() {
            let path = "log_sources[\(index)]"
            var entry = try ConfigurationReader(element, path: path)
            guard let filePath = try entry.path("path") else {
                throw ConfigurationError(keyPath: path + ".path", reason: "is required")
            }
            var source = LogSourceConfiguration(path: filePath)
            if let text = try entry.string("format") {
                guard let format = LogSourceConfiguration.Format(rawValue: text) else {
                    let known = LogSourceConfiguration.Format.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ConfigurationError(keyPath: path + ".format", reason: "unknown format \"\(text)\" (use one of \(known))")
                }
                source.format = format
            }
            if let text = try entry.string("start_at") {
                guard let start = LogSourceConfiguration.StartPosition(rawValue: text) else {
                    throw ConfigurationError(keyPath: path + ".start_at", reason: "must be \"end\" or \"beginning\", got \"\(text)\"")
                }
                source.startAt = start
            }
            warnings += entry.unknownKeyWarnings()
            sources.append(source)
        }
        return sources
    }

    private static func readAMI(_ reader: inout ConfigurationReader) throws(ConfigurationError) -> AMIConfiguration {
        var ami = AMIConfiguration()
        if let value = try reader.bool("enabled") { ami.enabled = value }
        if let value = try reader.string("host") {
            guard !value.isEmpty, value.utf8.count <= 253, !value.contains(where: { $0.isWhitespace || $0 == "/" }) else {
                throw ConfigurationError(keyPath: "ami.host", reason: "must be a host name or address, got \"\(value)\"")
            }
            ami.host = value
        }
        if let value = try reader.integer("port", in: 1...65535) { ami.port = value }
        if let value = try reader.string("username") { ami.username = value }
        ami.secret = try reader.string("secret")
        ami.secretFile = try reader.path("secret_file")
        if let value = try reader.duration("reconnect_delay") { ami.reconnectDelay = value }
        if let value = try reader.duration("reconnect_delay_max") { ami.reconnectDelayMax = value }
        if let value = try reader.duration("auth_failure_delay") { ami.authFailureDelay = value }
        if let value = try reader.duration("ping_interval") { ami.pingInterval = value }
        if let value = try reader.duration("response_timeout") { ami.responseTimeout = value }
        guard ami.reconnectDelayMax >= ami.reconnectDelay else {
            throw ConfigurationError(keyPath: "ami.reconnect_delay_max", reason: "must not be shorter than ami.reconnect_delay")
        }
        if ami.enabled {
            guard !ami.username.isEmpty else {
                throw ConfigurationError(keyPath: "ami.username", reason: "is required when ami.enabled is true")
            }
            guard (ami.secret == nil) != (ami.secretFile == nil) else {
                throw ConfigurationError(keyPath: "ami.secret", reason: "give exactly one of ami.secret and ami.secret_file")
            }
        }
        return ami
    }

    private static func readFirewall(_ reader: inout ConfigurationReader) throws(ConfigurationError) -> FirewallConfiguration {
        var firewall = FirewallConfiguration()
        if let value = try reader.string("family") {
            guard ["inet", "ip", "ip6"].contains(value) else {
                throw ConfigurationError(keyPath: "firewall.family", reason: "must be inet, ip or ip6, got \"\(value)\"")
            }
            firewall.family = value
        }
        func name(_ key: String, _ reader: inout ConfigurationReader) throws(ConfigurationError) -> String? {
            guard let value = try reader.string(key) else { return nil }
            let valid = !value.isEmpty && value.utf8.count <= 64 && value.first!.isLetter
                && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            guard valid else {
                throw ConfigurationError(
                    keyPath: "firewall.\(key)", reason: "must be an nftables name (a letter, then letters, digits or _), got \"\(value)\"")
            }
            return value
        }
        if let value = try name("table", &reader) { firewall.table = value }
        if let value = try name("ipv4_set", &reader) { firewall.ipv4Set = value }
        if let value = try name("ipv6_set", &reader) { firewall.ipv6Set = value }
        if let value = try name("ipv4_network_set", &reader) { firewall.ipv4NetworkSet = value }
        if let value = try name("ipv6_network_set", &reader) { firewall.ipv6NetworkSet = value }
        if let value = try reader.bool("dry_run") { firewall.dryRun = value }
        let sets = [firewall.ipv4Set, firewall.ipv6Set, firewall.ipv4NetworkSet, firewall.ipv6NetworkSet]
        guard Set(sets).count == sets.count else {
            throw ConfigurationError(keyPath: "firewall", reason: "the four set names must be different")
        }
        return firewall
    }

    static func readPaths(_ elements: [JSONValue], path: String) throws(ConfigurationError) -> [String] {
        var result: [String] = []
        for (index, element) in elements.enumerated() {
            guard case .string(let text) = element, text.hasPrefix("/") else {
                throw ConfigurationError(keyPath: "\(path)[\(index)]", reason: "must be an absolute path")
            }
            result.append(text)
        }
        return result
    }

    private static func readPatterns(
        _ elements: [JSONValue], warnings: inout [ConfigurationWarning]
    ) throws(ConfigurationError) -> [CustomPattern] {
        var patterns: [CustomPattern] = []
        var names: Set<String> = []
        for (index, element) in elements.enumerated() {
            let path = "patterns[\(index)]"
            var entry = try ConfigurationReader(element, path: path)
            let name = try entry.string("name") ?? String(index + 1)
            guard !name.isEmpty, name.utf8.count <= 64,
                  name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") })
            else {
                throw ConfigurationError(keyPath: path + ".name", reason: "use 1 to 64 letters, digits, '-', '_' or '.', got \"\(name)\"")
            }
            guard names.insert(name).inserted else {
                throw ConfigurationError(keyPath: path + ".name", reason: "\"\(name)\" is used by another pattern")
            }
            guard let text = try entry.string("pattern") else {
                throw ConfigurationError(keyPath: path + ".pattern", reason: "is required")
            }
            let severity = try entry.severity("severity") ?? .medium
            do {
                patterns.append(try CustomPattern(name: name, pattern: text, severity: severity))
            } catch {
                throw ConfigurationError(keyPath: path + ".pattern", reason: error.description)
            }
            warnings += entry.unknownKeyWarnings()
        }
        return patterns
    }
}
