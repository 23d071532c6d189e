import KobraKaiAddress
import KobraKaiCore
import Testing

@Suite("Configuration: metrics and alerts sections")
struct ObservabilityConfigurationTests {
    @Test func metricsAreOffAndLocalByDefault() throws {
        let metrics = try Configuration.load(from: "{}").metrics
        #expect(!metrics.enabled && metrics.address == IPAddress("127.0.0.1") && metrics.port == 9868 && !metrics.allowRemote)
        #expect(try Configuration.load(from: "{}").alerts == AlertsConfiguration())
    }

    @Test func aRemoteAddressNeedsAllowRemoteAndWarns() throws {
        #expect(throws: ConfigurationError.self) {
            try Configuration.load(from: #"{"metrics": {"enabled": true, "address": "0.0.0.0"}}"#)
        }
        let allowed = try Configuration.load(from: #"{"metrics": {"enabled": true, "address": "192.0.2.10", "port": 9100, "allow_remote": true}}"#)
        #expect(allowed.metrics.address == IPAddress("192.0.2.10") && allowed.metrics.port == 9100)
        #expect(allowed.warnings.contains { $0.keyPath == "metrics.address" })
        let loopback6 = try Configuration.load(from: #"{"metrics": {"enabled": true, "address": "::1"}}"#)
        #expect(loopback6.metrics.address.isLoopback && loopback6.warnings.isEmpty)
        #expect(throws: ConfigurationError.self) { try Configuration.load(from: #"{"metrics": {"address": "localhost"}}"#) }
        #expect(throws: ConfigurationError.self) { try Configuration.load(from: #"{"metrics": {"port": 0}}"#) }
    }

    @Test func webhookKeys() throws {
        let configuration = try Configuration.load(from: """
            {"alerts": {"webhook": {"url": "https://hooks.example.com/kobrakai", "headers": {"Authorization": "Bearer abc", "X-Fleet": "eu-1"},
              "batch_window": "5s", "timeout": 20, "queue_capacity": 500, "max_batch": 100}}}
            """)
        let webhook = try #require(configuration.alerts.webhook)
        #expect(webhook.url == "https://hooks.example.com/kobrakai")
        #expect(webhook.headers == [.init(name: "Authorization", value: "Bearer abc"), .init(name: "X-Fleet", value: "eu-1")])
        #expect(webhook.batchWindow == .seconds(5) && webhook.timeout == .seconds(20) && webhook.queueCapacity == 500 && webhook.maxBatch == 100)
        #expect(configuration.warnings.isEmpty)
        for bad in [#"{"alerts": {"webhook": {}}}"#, #"{"alerts": {"webhook": {"url": "ftp://x"}}}"#,
                    #"{"alerts": {"webhook": {"url": "http://x", "headers": {"Bad Name": "v"}}}}"#,
                    #"{"alerts": {"webhook": {"url": "http://x", "headers": {"X": "a\r\nInjected: 1"}}}}"#] {
            #expect(throws: ConfigurationError.self) { try Configuration.load(from: bad) }
        }
    }

    @Test func emailKeys() throws {
        let configuration = try Configuration.load(from: """
            {"alerts": {"email": {"to": "ops@example.com", "from": "pbx@example.com", "sendmail_path": "/usr/lib/sendmail",
              "digest_interval": "6h", "failure_grace": "10m", "failure_warning_interval": "1d", "subject_prefix": "[pbx1]"}}}
            """)
        let email = try #require(configuration.alerts.email)
        #expect(email.to == ["ops@example.com"] && email.from == "pbx@example.com" && email.sendmailPath == "/usr/lib/sendmail")
        #expect(email.digestInterval == .seconds(6 * 3600) && email.failureGrace == .seconds(600) && email.failureWarningInterval == .seconds(86_400))
        #expect(email.subjectPrefix == "[pbx1]")
        let list = try Configuration.load(from: #"{"alerts": {"email": {"to": ["a@example.com", "b@example.com"]}}}"#)
        #expect(list.alerts.email?.to == ["a@example.com", "b@example.com"] && list.alerts.email?.sendmailPath == "/usr/sbin/sendmail")
        for bad in [#"{"alerts": {"email": {}}}"#, #"{"alerts": {"email": {"to": []}}}"#,
                    #"{"alerts": {"email": {"to": "ops@example.com\r\nBcc: x@y.z"}}}"#,
                    #"{"alerts": {"email": {"to": "Ops <ops@example.com>"}}}"#,
                    #"{"alerts": {"email": {"to": "a@b.c", "sendmail_path": "sendmail"}}}"#,
                    #"{"alerts": {"email": {"to": "a@b.c", "from": "x, y@z"}}}"#] {
            #expect(throws: ConfigurationError.self) { try Configuration.load(from: bad) }
        }
    }
}
