import KobraKaiAddress
import KobraKaiCore
import Testing

@Suite("KobraKai v2.3 configuration keys")
struct LegacyConfigurationTests {
    /// The default file KobraKai v2 wrote on first start (values as in its source).
    static let version2File = #"""
    {
        "log_file": "/var/log/asterisk/full",
        "ignore_list_file": "/home/KobraKai/ignore-list.txt",
        "hacker_ips_file": "/home/KobraKai/hacker-ips-list.txt",
        "watch_list_file": "/home/KobraKai/watch-list.json",
        "log_rotation_days": 7,
        "log_max_size_mb": 10,
        "rate_limit_attempts": 2,
        "rate_limit_window": 30,
        "block_subnet_threshold": 3,
        "enable_pattern_recognition": true,
        "enable_rate_limiting": true,
        "enable_subnet_blocking": false,
        "attack_patterns": {
            "severity_high": ["PJSIP syntax error", "Error processing .* bytes packet from UDP", "Request 'OPTIONS'.*failed"],
            "severity_medium": ["Failed to authenticate", "Registration from .* failed for '<HOST>:.*"],
            "severity_low": ["failed for", "Bad SIP Request from \\[<HOST>\\]"]
        }
    }
    """#

    @Test func version2KeysMapToTheirModernEquivalents() throws {
        let configuration = try Configuration.load(from: Self.version2File)
        #expect(configuration.logSources == [LogSourceConfiguration(path: "/var/log/asterisk/full", format: .asterisk)])
        #expect(configuration.allowlist.files == ["/home/KobraKai/ignore-list.txt"])
        #expect(configuration.policy.threshold == 3)
        #expect(configuration.policy.window == .seconds(30))
        #expect(configuration.policy.subnet.hosts == 4)
        #expect(!configuration.policy.subnet.enabled)
        #expect(configuration.patterns.map(\.ruleID) == ["custom:v2-medium-2", "custom:v2-low-2"])
        #expect(configuration.patterns.map(\.source) == ["Registration from * failed for '<HOST>:*", "Bad SIP Request from [<HOST>]"])
        #expect(configuration.patterns.map(\.severity) == [.medium, .low])
        let messages = configuration.warnings.map(\.description)
        #expect(messages.contains("rate_limit_attempts: KobraKai v2.3 key rate_limit_attempts: mapped to policy.threshold = 3 (v2.3 banned above the limit)"))
        #expect(messages.contains { $0.hasPrefix("hacker_ips_file: KobraKai v2.3 key hacker_ips_file: no longer used") })
        #expect(messages.contains { $0.contains("\"PJSIP syntax error\" skipped: it has no <HOST>") })
        #expect(!messages.contains { $0.contains("unknown key") })
    }

    @Test func translatedVersion2PatternsMatch() throws {
        let configuration = try Configuration.load(from: Self.version2File)
        let line = "[2024-05-01 10:11:12] NOTICE[1234] chan_sip.c: Registration from '<sip:100@x>' failed for '198.51.100.7:5060' - Wrong password"
        let event = configuration.customRuleMatcher.event(forLine: line[...], time: nil)
        #expect(event?.address == ip("198.51.100.7"))
        #expect(event?.rule == "custom:v2-medium-2")
    }

    @Test func modernKeysWinOverVersion2Keys() throws {
        let configuration = try Configuration.load(from: #"{"rate_limit_attempts": 9, "policy": {"threshold": 4}, "log_file": "/a", "log_sources": [{"path": "/b"}]}"#)
        #expect(configuration.policy.threshold == 4)
        #expect(configuration.logSources.map(\.path) == ["/b"])
        #expect(configuration.warnings.map(\.message).contains("KobraKai v2.3 key rate_limit_attempts: ignored because policy.threshold is set"))
    }

    @Test func disabledPatternRecognitionSkipsAttackPatterns() throws {
        let configuration = try Configuration.load(from: #"{"enable_pattern_recognition": false, "attack_patterns": {"severity_high": ["x from <HOST> y"]}}"#)
        #expect(configuration.patterns.isEmpty)
        #expect(!configuration.warnings.contains { $0.message.contains("unknown key") })
    }

    @Test func version3WhitelistNetworksAreAccepted() throws {
        let configuration = try Configuration.load(from: #"{"whitelist_networks": ["127.0.0.0/8", "192.168.1.0/24"]}"#)
        #expect(configuration.allowlist.prefixes == [net("127.0.0.0/8"), net("192.168.1.0/24")])
    }

    @Test func badVersion2ValuesNameTheKey() {
        #expect { try Configuration.load(from: #"{"rate_limit_attempts": "two"}"#) } throws: {
            ($0 as? ConfigurationError)?.keyPath == "rate_limit_attempts"
        }
        #expect { try Configuration.load(from: #"{"block_subnet_threshold": 0}"#) } throws: {
            ($0 as? ConfigurationError)?.keyPath == "block_subnet_threshold"
        }
    }
}
