import KobraKaiAddress

/// The `metrics` and `alerts` sections.
extension ConfigurationLoader {
    static func readMetrics(_ reader: inout ConfigurationReader, warnings: inout [ConfigurationWarning]) throws(ConfigurationError) -> MetricsConfiguration {
        var metrics = MetricsConfiguration()
        if let value = try reader.bool("enabled") { metrics.enabled = value }
        if let text = try reader.string("address") {
            do {
                metrics.address = try IPAddress(parsing: text)
            } catch {
                throw ConfigurationError(keyPath: "metrics.address", reason: "must be an IP address to listen on: \(error.description)")
            }
        }
        if let value = try reader.integer("port", in: 1...65535) { metrics.port = value }
        if let value = try reader.bool("allow_remote") { metrics.allowRemote = value }
        if !metrics.address.isLoopback {
            guard metrics.allowRemote else {
                throw ConfigurationError(
                    keyPath: "metrics.address",
                    reason: "\(metrics.address) is not a loopback address; the metrics name rules and sources, so set metrics.allow_remote to true to expose them anyway")
            }
            warnings.append(ConfigurationWarning(
                keyPath: "metrics.address",
                message: "metrics served on non-loopback address \(metrics.address) (allow_remote): restrict who can reach port \(metrics.port)"))
        }
        return metrics
    }

    static func readAlerts(_ reader: inout ConfigurationReader, warnings: inout [ConfigurationWarning]) throws(ConfigurationError) -> AlertsConfiguration {
        var alerts = AlertsConfiguration()
        if var section = try reader.object("webhook") {
            alerts.webhook = try readWebhook(&section)
            warnings += section.unknownKeyWarnings()
        }
        if var section = try reader.object("email") {
            alerts.email = try readEmail(&section)
            warnings += section.unknownKeyWarnings()
        }
        return alerts
    }

    private static func readWebhook(_ reader: inout ConfigurationReader) throws(ConfigurationError) -> WebhookAlertConfiguration {
        guard let url = try reader.string("url") else {
            throw ConfigurationError(keyPath: "alerts.webhook.url", reason: "is required")
        }
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), url.count > "https://".count,
              !url.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } == true })
        else {
            throw ConfigurationError(keyPath: "alerts.webhook.url", reason: "must be an http:// or https:// URL, got \"\(url)\"")
        }
        var webhook = WebhookAlertConfiguration(url: url)
        if var headers = try reader.object("headers") {
            for name in headers.keysInOrder {
                guard let value = try headers.string(name) else { continue }
                guard !name.isEmpty, name.utf8.allSatisfy(isTokenCharacter) else {
                    throw ConfigurationError(keyPath: "alerts.webhook.headers.\(name)", reason: "is not a valid HTTP header name")
                }
                guard !value.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) else {
                    throw ConfigurationError(keyPath: "alerts.webhook.headers.\(name)", reason: "must not contain control characters (CR, LF, ...)")
                }
                webhook.headers.append(.init(name: name, value: value))
            }
        }
        if let value = try reader.duration("batch_window") { webhook.batchWindow = value }
        if let value = try reader.duration("timeout") { webhook.timeout = value }
        if let value = try reader.integer("queue_capacity", in: 1...1_000_000) { webhook.queueCapacity = value }
        if let value = try reader.integer("max_batch", in: 1...10_000) { webhook.maxBatch = value }
        return webhook
    }

    private static func readEmail(_ reader: inout ConfigurationReader) throws(ConfigurationError) -> EmailAlertConfiguration {
        let recipients: [String]
        switch reader.value("to") {
        case .string(let single)?: recipients = [single]
        case .array?: recipients = try reader.stringArray("to") ?? []
        case nil: throw ConfigurationError(keyPath: "alerts.email.to", reason: "is required (an address or a list of addresses)")
        case let other?: throw ConfigurationError(keyPath: "alerts.email.to", reason: "must be an address or a list of addresses, got \(other.kindDescription)")
        }
        guard !recipients.isEmpty else { throw ConfigurationError(keyPath: "alerts.email.to", reason: "must name at least one address") }
        for (index, address) in recipients.enumerated() where !isMailAddress(address) {
            throw ConfigurationError(keyPath: "alerts.email.to[\(index)]", reason: "must be a plain address like ops@example.com, got \"\(address)\"")
        }
        var email = EmailAlertConfiguration(to: recipients)
        if let value = try reader.string("from") {
            guard isMailAddress(value) else {
                throw ConfigurationError(keyPath: "alerts.email.from", reason: "must be a plain address like kobrakai@pbx.example.com, got \"\(value)\"")
            }
            email.from = value
        }
        if let value = try reader.path("sendmail_path") { email.sendmailPath = value }
        if let value = try reader.duration("digest_interval") { email.digestInterval = value }
        if let value = try reader.duration("failure_grace") { email.failureGrace = value }
        if let value = try reader.duration("failure_warning_interval") { email.failureWarningInterval = value }
        if let value = try reader.string("subject_prefix") {
            guard value.utf8.count <= 64, !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw ConfigurationError(keyPath: "alerts.email.subject_prefix", reason: "must be at most 64 bytes without control characters")
            }
            email.subjectPrefix = value
        }
        return email
    }

    /// `local@domain` with no spaces, quotes, angle brackets, commas or control characters: what goes into a
    /// header as is, so nothing here can start a second header or a second recipient.
    static func isMailAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, text.utf8.count <= 254 else { return false }
        return text.utf8.allSatisfy { byte in
            byte > 0x20 && byte < 0x7F && !"<>(),;:\"[]\\".utf8.contains(byte)
        }
    }

    /// RFC 9110 token characters.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
