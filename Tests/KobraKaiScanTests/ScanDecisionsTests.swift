import Foundation
import KobraKaiCore
import Testing

@Suite("kobrakai scan --config and --decisions (real binary)", .serialized)
struct ScanDecisionsTests {
    static func distributor(_ time: String, _ address: String, account: String = "100") -> String {
        "[2024-05-01 \(time)] NOTICE[2211] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from "
            + "'\"\(account)\" <sip:\(account)@pbx>' failed for '\(address):5060' (callid: a\(account)) - No matching endpoint found"
    }

    /// Every line is here for one expectation in `exactBans`.
    static let log = [
        // No timestamp seen yet: the policy never sees this event (counted as skipped).
        "NOTICE[3400] manager.c: 198.51.100.8 failed to authenticate as 'admin'",
        // Threshold 3 in 60 s, measured on the log's timestamps: 0 s and 30 s are too far from 91–100 s.
        distributor("10:00:00", "198.51.100.7"),
        distributor("10:00:30", "198.51.100.7"),
        distributor("10:01:31", "198.51.100.7"),
        distributor("10:01:35", "198.51.100.7"),
        distributor("10:01:40", "198.51.100.7"),  // third event within 60 s: ban
        distributor("10:01:45", "198.51.100.7"),  // already banned: suppressed, no second decision
        // Allowlisted by the allowlist file and by an inline CIDR: never banned, whatever they do.
        distributor("10:01:50", "203.0.113.50", account: "1"),
        distributor("10:01:51", "203.0.113.50", account: "2"),
        distributor("10:01:52", "203.0.113.50", account: "3"),
        distributor("10:01:53", "203.0.113.50", account: "4"),
        "[2024-05-01 10:01:54] NOTICE[2211] res_pjsip/pjsip_distributor.c: Request 'INVITE' from '<sip:1@pbx>' "
            + "failed for '192.0.2.9:5060' (callid: z) - Not match Endpoint ACL",
        // No built-in rule knows this line; the operator pattern makes it a high-severity event: ban at once.
        "[2024-05-01 10:02:00] WARNING[812] sbc_guard.c: Blocking traffic from 198.51.100.23",
        // The pattern reads two different addresses: suspected injection, nobody banned.
        "[2024-05-01 10:02:01] WARNING[812] sbc_guard.c: Blocking traffic from 198.51.100.80 Blocking traffic from 198.51.100.81",
        // A built-in rule's two readings disagree: suspected injection, nobody banned.
        "[2024-05-01 10:02:02] NOTICE[2211] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '<sip:100@pbx>' "
            + "failed for '198.51.100.66:5071' (callid: x) - No matching endpoint found' failed for '203.0.113.99:5060' "
            + "(callid: y) - No matching endpoint found",
        // Undated lines take the time of the latest dated event (10:02:00, the pattern's): the third one bans.
        "NOTICE[3400] manager.c: 198.51.100.8 failed to authenticate as 'admin'",
        "NOTICE[3400] manager.c: 198.51.100.8 failed to authenticate as 'root'",
        "NOTICE[3400] manager.c: 198.51.100.8 failed to authenticate as 'asterisk'",
    ].joined(separator: "\n") + "\n"

    static func configuration(allowlistFile: String) -> String {
        """
        {
          "policy": { "threshold": 3, "window": "60s", "subnet": { "enabled": false } },
          "allowlist": { "cidrs": ["192.0.2.0/24"], "files": ["\(allowlistFile)"] },
          "patterns": [ { "name": "sbc-block", "pattern": "Blocking traffic from <HOST>", "severity": "high" } ]
        }
        """
    }

    static func setUp() throws -> (log: String, config: String) {
        let log = try ScanCommandRunner.temporaryLog(Self.log)
        let allowlist = try ScanCommandRunner.temporaryLog("# office\n203.0.113.50   # front desk\n", name: "allow.txt")
        let config = try ScanCommandRunner.temporaryLog(configuration(allowlistFile: allowlist), name: "kobrakai.json")
        return (log, config)
    }

    static func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test("--decisions bans exactly what the policy decides on the log's clock, interleaved with the events")
    func exactBans() throws {
        let (log, config) = try Self.setUp()
        let outcome = try ScanCommandRunner.run(["scan", "--json", "--decisions", "--config", config, log])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let objects = try Self.lines(outcome.standardOutput)
        let bans = objects.filter { $0["ban"] != nil }
        #expect(bans.count == 3)
        for ban in bans { #expect(Set(ban.keys) == ["ban", "duration", "reason", "time"]) }
        #expect(bans.map { $0["ban"] as? String } == ["198.51.100.7", "198.51.100.23", "198.51.100.8"])
        #expect(bans.map { $0["duration"] as? Int } == [1800, 1800, 1800])
        #expect(
            bans.map { $0["time"] as? String } == [
                "2024-05-01T10:01:40.000Z", "2024-05-01T10:02:00.000Z", "2024-05-01T10:02:00.000Z",
            ])
        #expect(bans[0]["reason"] as? String == "pjsip.request.no-endpoint: 3 events in 60s")
        #expect(bans[1]["reason"] as? String == "custom:sbc-block: high severity, first event")
        #expect((bans[2]["reason"] as? String)?.hasPrefix("ami.login.") == true)
        // Each ban directly follows the event that caused it.
        let banIndexes = objects.indices.filter { objects[$0]["ban"] != nil }
        #expect(banIndexes.map { objects[$0 - 1]["line"] as? Int } == [6, 13, 18])
        // The operator pattern's event has the custom service, rule and configured severity.
        let custom = try #require(objects.first { $0["rule"] as? String == "custom:sbc-block" })
        #expect(custom["service"] as? String == "custom")
        #expect(custom["severity"] as? String == "high")
        #expect(custom["ip"] as? String == "198.51.100.23")
        for address in ["203.0.113.50", "192.0.2.9", "198.51.100.80", "198.51.100.81", "198.51.100.66", "203.0.113.99"] {
            #expect(!bans.contains { $0["ban"] as? String == address }, "\(address) must not be banned")
        }
        #expect(outcome.standardError.contains("injection warnings: 2"))
        #expect(outcome.standardError.contains("\(log):14: pattern custom:sbc-block reads two different addresses"))
        #expect(outcome.standardError.contains("\(log):15:"))
        #expect(outcome.standardError.contains("bans: 3 (3 hosts, 0 networks)"))
        #expect(outcome.standardError.contains("1 skipped (no timestamp before them)"))
    }

    @Test("without --json the bans are listed in the report")
    func reportListsBans() throws {
        let (log, config) = try Self.setUp()
        let outcome = try ScanCommandRunner.run(["scan", "--decisions", "--config", config, log])
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput.contains("bans: 3 (3 hosts, 0 networks)"))
        #expect(outcome.standardOutput.contains("2024-05-01T10:01:40.000Z  198.51.100.7"))
        #expect(outcome.standardOutput.contains("custom:sbc-block: high severity, first event"))
    }

    @Test("without --config the default policy applies and there are no operator patterns")
    func defaultConfiguration() throws {
        let (log, _) = try Self.setUp()
        let outcome = try ScanCommandRunner.run(["scan", "--json", "--decisions", log])
        #expect(outcome.status == 0)
        let objects = try Self.lines(outcome.standardOutput)
        #expect(!objects.contains { $0["rule"] as? String == "custom:sbc-block" })
        // Defaults: threshold 5 in 60 s, nothing allowlisted but loopback. The 192.0.2.9 ACL failure is
        // high severity; 203.0.113.50's four events stay under the threshold.
        let banned = objects.compactMap { $0["ban"] as? String }
        #expect(banned == ["192.0.2.9"])
        #expect(!outcome.standardOutput.contains("\"ban\":\"198.51.100.7\""))
    }

    @Test("plain scan output is the same with and without --decisions")
    func decisionsDoNotChangeEvents() throws {
        let (log, config) = try Self.setUp()
        let plain = try ScanCommandRunner.run(["scan", "--json", "--config", config, log])
        let withDecisions = try ScanCommandRunner.run(["scan", "--json", "--decisions", "--config", config, log])
        let eventsOnly = withDecisions.standardOutput.split(separator: "\n").filter { !$0.hasPrefix("{\"ban\"") }
        #expect(eventsOnly == plain.standardOutput.split(separator: "\n"))
        #expect(!plain.standardOutput.contains("\"ban\""))
    }

    @Test("decisions from a log parsed in parallel parts equal a single-threaded pass")
    func parallelMatchesSequential() throws {
        // Several MiB of attacks, five per address, so windows are split across threads and the policy
        // bans hosts and escalates networks all along.
        var text = ""
        var second = 0
        while text.utf8.count < 6 << 20 {
            let host = second / 5
            let address = "198.51.\(host / 250 % 200).\(host % 250 + 1)"
            let time = String(format: "%02d:%02d:%02d", 10 + second / 3600 % 10, second / 60 % 60, second % 60)
            text += Self.distributor(time, address, account: String(second % 7)) + "\n"
            text += "[2024-05-01 \(time)] VERBOSE[1] pbx.c: filler to make the log large enough to be split\n"
            second += 1
        }
        let log = try ScanCommandRunner.temporaryLog(text)
        let parallel = try ScanCommandRunner.run(["scan", "--json", "--decisions", "--threads", "4", log])
        let sequential = try ScanCommandRunner.run(["scan", "--json", "--decisions", "--threads", "1", log])
        #expect(parallel.status == 0 && sequential.status == 0)
        #expect(parallel.standardOutput == sequential.standardOutput)
        #expect(parallel.standardOutput.contains("\"ban\""))
    }

    @Test("configuration errors exit 78 and name the key; unknown keys and rule ids warn")
    func configurationErrors() throws {
        let log = try ScanCommandRunner.temporaryLog(Self.log)
        let cases: [(json: String, expected: String)] = [
            (#"{"policy": {"threshold": 0}}"#, "policy.threshold: must be between 1 and 100000, got 0"),
            (#"{"patterns": [{"name": "x", "pattern": "Blocking traffic from"}]}"#, "patterns[0].pattern"),
            (#"{"allowlist": {"files": ["/nonexistent/kobrakai-allow.txt"]}}"#, "allowlist.files[0]: cannot read /nonexistent/kobrakai-allow.txt"),
            (#"{"policy": "#, "configuration"),
        ]
        for (json, expected) in cases {
            let config = try ScanCommandRunner.temporaryLog(json, name: "bad.json")
            let outcome = try ScanCommandRunner.run(["scan", "--config", config, log])
            #expect(outcome.status == 78, "\(json): \(outcome.standardError)")
            #expect(outcome.standardError.contains(expected), "\(json): \(outcome.standardError)")
            #expect(outcome.standardOutput.isEmpty, "nothing is scanned with a broken configuration")
        }
        let missing = try ScanCommandRunner.run(["scan", "--config", "/nonexistent/kobrakai.json", log])
        #expect(missing.status == 78)
        #expect(missing.standardError.contains("cannot read configuration /nonexistent/kobrakai.json"))

        let config = try ScanCommandRunner.temporaryLog(
            #"{"polcy": {}, "policy": {"rules": {"pjsip.request.no-endpont": {"threshold": 2}, "ami.*": {"threshold": 2}}}}"#,
            name: "typos.json")
        let warned = try ScanCommandRunner.run(["scan", "--json", "--config", config, log])
        #expect(warned.status == 0)
        #expect(warned.standardError.contains("unknown key polcy"))
        #expect(warned.standardError.contains("\"pjsip.request.no-endpont\""))
        #expect(!warned.standardError.contains("\"ami.*\""), "a group that matches catalogue rules is known")
        #expect(!warned.standardOutput.isEmpty)
    }

    @Test("a file named in log_sources is read in that source's format")
    func logSourceFormat() throws {
        let kamailio =
            "May  1 10:21:00 sbc kamailio[4120]: WARNING: pike [pike_funcs.c:136]: pike_check_ipaddr(): "
            + "PIKE - BLOCKing ip 198.51.100.50, node=0x1\n"
        let log = try ScanCommandRunner.temporaryLog(Self.log + kamailio)
        let config = try ScanCommandRunner.temporaryLog(
            #"{"log_sources": [{"path": "\#(log)", "format": "kamailio"}]}"#, name: "sources.json")
        let outcome = try ScanCommandRunner.run(["scan", "--json", "--config", config, log])
        #expect(outcome.status == 0)
        #expect(try Self.lines(outcome.standardOutput).map { $0["rule"] as? String } == ["kamailio.pike.blocked"])
        // --source given on the command line wins over the configuration.
        let explicit = try ScanCommandRunner.run(["scan", "--json", "--source", "asterisk", "--config", config, log])
        #expect(!explicit.standardOutput.contains("kamailio.pike.blocked"))
        #expect(explicit.standardOutput.contains("pjsip.request.no-endpoint"))
    }
}
