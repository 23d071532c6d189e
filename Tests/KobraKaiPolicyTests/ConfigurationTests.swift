import Foundation
import KobraKaiAddress
import KobraKaiCore
import Testing

@Suite("Configuration decoding")
struct ConfigurationTests {
    private static let exampleFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/kobrakai.json")

    @Test func theExampleFileLoadsWithoutWarnings() throws {
        let bytes = try [UInt8](Data(contentsOf: Self.exampleFile))
        let configuration = try Configuration.load(from: bytes)
        #expect(configuration.warnings.isEmpty, "\(configuration.warnings)")
        #expect(configuration.logSources.count == 3)
        #expect(configuration.logSources[2].format == .custom)
        #expect(configuration.ami.enabled && configuration.ami.secretFile == "/etc/kobrakai/ami.secret")
        #expect(configuration.policy.rules.map(\.selector) == ["pjsip.request.no-endpoint", "ami.*", "sip.hacking-attempt"])
        #expect(configuration.policy.rules[0].window == .seconds(120))
        #expect(configuration.policy.rules[2].severity == .high)
        #expect(configuration.policy.banTime.maximum == .seconds(7 * 86_400))
        #expect(configuration.allowlist.prefixes.contains(net("2001:db8:100::/48")))
        #expect(configuration.patterns.map(\.ruleID) == ["custom:kamailio-pike", "custom:kamailio-auth"])
        #expect(configuration.firewall.ipv6NetworkSet == "banned6_net")
        // The example's values are the documented defaults: it must equal the defaults plus its own additions.
        var defaults = PolicyConfiguration()
        defaults.rules = configuration.policy.rules
        #expect(configuration.policy == defaults)
        _ = try configuration.makePolicy()
    }

    @Test func anEmptyDocumentGivesTheDefaults() throws {
        let configuration = try Configuration.load(from: "{}")
        #expect(configuration == Configuration())
        #expect(configuration.stateDirectory == "/var/lib/kobrakai")
        #expect(configuration.controlSocket == "/run/kobrakai/control.sock")
        #expect(configuration.firewall.table == "kobrakai" && !configuration.firewall.dryRun)
        #expect(configuration.logSources == [LogSourceConfiguration(path: "/var/log/asterisk/full", format: .asterisk)])
        #expect(!configuration.ami.enabled)
    }

    @Test func unknownKeysWarnWithTheirPath() throws {
        let configuration = try Configuration.load(from: #"{"policy": {"treshold": 3, "subnet": {"host": 2}}, "colour": "blue"}"#)
        #expect(configuration.warnings.map(\.message) == [
            "unknown key policy.subnet.host (ignored)", "unknown key policy.treshold (ignored)", "unknown key colour (ignored)",
        ])
        #expect(configuration.policy.threshold == 5)
    }

    @Test(arguments: [
        (#"{"policy": {"threshold": 0}}"#, "policy.threshold"),
        (#"{"policy": {"threshold": "five"}}"#, "policy.threshold"),
        (#"{"policy": {"window": "soon"}}"#, "policy.window"),
        (#"{"policy": {"low_weight": 2}}"#, "policy.low_weight"),
        (#"{"policy": {"subnet": {"ipv4_prefix": 4}}}"#, "policy.subnet.ipv4_prefix"),
        (#"{"policy": {"ipv6_ban_prefix": 64}}"#, "policy.subnet.ipv6_prefix"),
        (#"{"policy": {"ban_time": {"base": "2h", "max": "1h"}}}"#, "policy.ban_time.max"),
        (#"{"policy": {"ban_time": {"max": "100000w"}}}"#, "policy.ban_time.max"),
        (#"{"policy": {"trust": {"duration": 0}}}"#, "policy.trust.duration"),
        (#"{"policy": {"rules": {"a*b*": {"threshold": 2}}}}"#, "policy.rules.a*b*"),
        (#"{"policy": {"rules": {"x": {"severity": "fatal"}}}}"#, "policy.rules.x.severity"),
        (#"{"allowlist": {"cidrs": ["10.0.0.1/8"]}}"#, "allowlist.cidrs[0]"),
        (#"{"log_sources": [{"path": "relative.log"}]}"#, "log_sources[0].path"),
        (#"{"log_sources": [{"path": "/x", "format": "syslog"}]}"#, "log_sources[0].format"),
        (#"{"ami": {"enabled": true, "username": "k"}}"#, "ami.secret"),
        (#"{"ami": {"port": 70000}}"#, "ami.port"),
        (#"{"firewall": {"table": "kobra kai"}}"#, "firewall.table"),
        (#"{"state_directory": 5}"#, "state_directory"),
        (#"{"patterns": [{"pattern": "Blocking traffic from"}]}"#, "patterns[0].pattern"),
    ])
    func badValuesFailNamingTheKey(document: String, keyPath: String) {
        #expect { try Configuration.load(from: document) } throws: { error in
            (error as? ConfigurationError)?.keyPath == keyPath
        }
    }

    @Test func errorMessagesAreSpecific() {
        #expect(throws: ConfigurationError(keyPath: "policy.threshold", reason: "must be between 1 and 100000, got 0")) {
            try Configuration.load(from: #"{"policy": {"threshold": 0}}"#)
        }
        #expect(throws: ConfigurationError(
            keyPath: "allowlist.cidrs[0]", reason: "invalid address '10.0.0.1/8': host bits are set; did you mean 10.0.0.0/8?")) {
            try Configuration.load(from: #"{"allowlist": {"cidrs": ["10.0.0.1/8"]}}"#)
        }
        #expect(throws: ConfigurationError(keyPath: "", reason: "JSON syntax error at line 2, column 16: expected ',' or '}' in object")) {
            try Configuration.load(from: "{\n  \"policy\": {} \"x\": 1}")
        }
    }

    @Test func aPatternWithoutHostIsRejectedNamingThePattern() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try Configuration.load(from: #"{"patterns": [{"name": "k", "pattern": "Blocking traffic from $si"}]}"#)
        }
        #expect(error.keyPath == "patterns[0].pattern")
        #expect(error.reason.contains("\"Blocking traffic from $si\""))
        #expect(error.reason.contains("has no <HOST>"))
        let twice = try #require(throws: ConfigurationError.self) {
            try Configuration.load(from: #"{"patterns": [{"pattern": "from <HOST> via <HOST>"}]}"#)
        }
        #expect(twice.reason.contains("has 2 <HOST> placeholders"))
    }

    @Test func malformedJSONIsRefused() {
        for document in ["", "{", "[1,]", "{\"a\": 01}", "{\"a\": \"\u{01}\"}", "{\"a\": 1, \"a\": 2}", "{} x", "nul"] {
            #expect(throws: ConfigurationError.self, "\(document)") { try Configuration.load(from: document) }
        }
        #expect(throws: ConfigurationError.self) { try Configuration.load(from: "[]") }
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: ConfigurationError.self) { try Configuration.load(from: "{\"a\": \(deep)}") }
    }

    @Test func stringEscapesDecode() throws {
        let configuration = try Configuration.load(from: #"{"ami": {"username": "k\u00e9\ud83d\ude00\n\"x\""}}"#)
        #expect(configuration.ami.username == "ké😀\n\"x\"")
    }
}
