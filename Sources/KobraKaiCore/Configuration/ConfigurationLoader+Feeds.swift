import KobraKaiFirewall

/// The `apiban` and `blocklists` sections.
extension ConfigurationLoader {
    static func readAPIBan(_ reader: inout ConfigurationReader, warnings: inout [ConfigurationWarning]) throws(ConfigurationError) -> APIBanConfiguration {
        var apiban = APIBanConfiguration()
        if let value = try reader.bool("enabled") { apiban.enabled = value }
        if let value = try reader.string("key") {
            guard Self.isURLSafeKey(value) else {
                throw ConfigurationError(keyPath: "apiban.key", reason: "must be the key from apiban.org (letters, digits, '-' or '_')")
            }
            apiban.key = value
        }
        apiban.keyFile = try reader.path("key_file")
        if let value = try reader.string("url") {
            guard value.hasPrefix("http://") || value.hasPrefix("https://"), value.count > "https://".count,
                  !value.contains(where: { $0.isWhitespace })
            else {
                throw ConfigurationError(keyPath: "apiban.url", reason: "must be an http:// or https:// URL, got \"\(value)\"")
            }
            apiban.url = value.hasSuffix("/") ? String(value.dropLast()) : value
        }
        if let value = try reader.duration("interval") {
            if value < APIBanConfiguration.minimumInterval {
                let minimum = APIBanConfiguration.minimumInterval
                warnings.append(ConfigurationWarning(
                    keyPath: "apiban.interval",
                    message: "\(DurationText.format(value)) is below APIBAN's documented rate limit "
                        + "(\(APIBanConfiguration.rateLimitRequests) requests in \(DurationText.format(APIBanConfiguration.rateLimitWindow))); "
                        + "using \(DurationText.format(minimum))"))
                apiban.interval = minimum
            } else {
                apiban.interval = value
            }
        }
        if let value = try reader.duration("ban_time") { apiban.banTime = value }
        if apiban.enabled {
            guard (apiban.key == nil) != (apiban.keyFile == nil) else {
                throw ConfigurationError(keyPath: "apiban.key", reason: "give exactly one of apiban.key and apiban.key_file")
            }
        }
        return apiban
    }

    /// The key goes into the URL path: anything but these characters would need escaping or change the path.
    static func isURLSafeKey(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= 256
            && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    static func readBlocklists(_ reader: inout ConfigurationReader) throws(ConfigurationError) -> BlocklistConfiguration {
        var blocklists = BlocklistConfiguration()
        if let files = try reader.array("files") {
            blocklists.files = try readPaths(files, path: "blocklists.files")
            // The file name is the ban comment (`blocklist:<name>`) that says which file a ban came from.
            var names: [String: String] = [:]
            for (index, file) in blocklists.files.enumerated() {
                let name = BlocklistConfiguration.name(of: file)
                if let other = names[name] {
                    throw ConfigurationError(
                        keyPath: "blocklists.files[\(index)]",
                        reason: "\(file) has the same file name as \(other); bans are tagged blocklist:\(name), so names must differ")
                }
                names[name] = file
            }
        }
        if let value = try reader.duration("interval") { blocklists.interval = value }
        if let value = try reader.duration("ban_time") { blocklists.banTime = value }
        guard blocklists.banTime >= blocklists.interval * 2 else {
            throw ConfigurationError(
                keyPath: "blocklists.ban_time",
                reason: "must be at least twice blocklists.interval (\(DurationText.format(blocklists.interval))), so bans are refreshed before they run out")
        }
        return blocklists
    }
}

extension BlocklistConfiguration {
    /// The last path component: what the ban comment `blocklist:<name>` carries.
    public static func name(of path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
