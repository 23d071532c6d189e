import Foundation
import Glibc
import KobraKaiDaemon
import Testing

@Suite("kobrakai run: log lines to kernel bans", .serialized)
struct BanPathTests {
    @Test("Attack lines end up in the kernel set with the policy's timeout and the rule as comment; allowlisted, own and loopback addresses never")
    func attackLinesBecomeBans() async throws {
        let harness = try await DaemonHarness()
        let daemon = try await harness.start()
        let attackers = ["203.0.113.5", "198.51.100.1", "2001:db8:99::7"]
        let protected = ["192.0.2.77", DaemonHarness.ownAddress, "127.0.0.1"]
        try harness.log.attack(attackers + protected)

        #expect(try await harness.waitForBans(attackers), "\(harness.daemonOutput)")
        // Every line was handled (so the protected ones were judged, not merely not yet read).
        #expect(try await harness.waitUntil(timeout: .seconds(20)) { try await harness.sourceCounters().lines == 6 })
        for address in attackers {
            let entry = try #require(try await harness.lookup(address))
            #expect(entry.timeout == .seconds(600))
            #expect(entry.comment == "security.failed-acl: high severity, first event")
        }
        for address in protected {
            #expect(try await harness.lookup(address) == nil, "\(address) must never be banned")
        }
        let listed = try await harness.nft(["-j", "list", "set", "inet", "kobrakai", "ban_v4"])
        #expect(listed.standardOutput.contains("203.0.113.5"))
        #expect(try await harness.stop(daemon) == 0, "SIGTERM ends the daemon cleanly: \(harness.daemonOutput)")
    }

    @Test("Management commands: status, list --json, test-ip, ban, unban, reload, the v2.3 aliases and their exit codes")
    func managementCommands() async throws {
        let harness = try await DaemonHarness()
        let daemon = try await harness.start()
        try harness.log.attack(["203.0.113.9"])
        #expect(try await harness.waitForBans(["203.0.113.9"]))
        let socket = ["--socket", harness.socketPath]

        let status = try await harness.cli(["status"] + socket)
        #expect(status.status == 0, "\(status.standardError)")
        #expect(status.standardOutput.contains("security.log"))
        #expect(status.standardOutput.contains("following"))

        let listed = try await harness.cli(["list", "--json", "--config", harness.configPath])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]])
        #expect(json.compactMap { $0["target"] as? String } == ["203.0.113.9"])
        let legacyList = try await harness.cli(["--list-blocked", "--config", harness.configPath])
        #expect(legacyList.status == 0 && legacyList.standardOutput.contains("203.0.113.9"))

        let tested = try await harness.cli(["test-ip"] + socket + ["203.0.113.9"])
        #expect(tested.status == 0)
        #expect(tested.standardOutput.contains("security.failed-acl"))
        #expect(tested.standardOutput.contains("recent events: 1"))
        #expect(try await harness.cli(["--test-ip", "198.51.100.200", "--config", harness.configPath]).status == 1)
        let allowlisted = try await harness.cli(["test-ip"] + socket + ["192.0.2.1"])
        #expect(allowlisted.standardOutput.contains("allowlisted: yes, by 192.0.2.0/24"))

        #expect(try await harness.cli(["ban"] + socket + ["--duration", "2h", "198.51.100.50"]).status == 0)
        #expect(try await harness.lookup("198.51.100.50")?.timeout == .seconds(7200))
        #expect(try await harness.cli(["ban"] + socket + ["192.0.2.5"]).status == 1)  // allowlisted: refused
        #expect(try await harness.cli(["ban"] + socket + ["300.1.1.1"]).status == 65)
        #expect(try await harness.cli(["--unblock", "198.51.100.50", "--config", harness.configPath]).status == 0)
        #expect(try await harness.lookup("198.51.100.50") == nil)
        #expect(try await harness.cli(["unban"] + socket + ["203.0.113.9"]).status == 0)
        #expect(try await harness.lookup("203.0.113.9") == nil)

        // Reload picks up a new allowlist entry; a bad file is refused and the old configuration kept.
        let original = try String(contentsOfFile: harness.configPath, encoding: .utf8)
        try original.replacingOccurrences(of: "\"192.0.2.0/24\"", with: "\"192.0.2.0/24\", \"203.0.113.0/24\"")
            .write(toFile: harness.configPath, atomically: true, encoding: .utf8)
        let reloaded = try await harness.cli(["reload"] + socket)
        #expect(reloaded.status == 0, "\(reloaded.standardError)")
        try harness.log.attack(["203.0.113.10"])
        #expect(try await harness.waitUntil(timeout: .seconds(20)) { try await harness.sourceCounters().lines == 2 })
        #expect(try await harness.lookup("203.0.113.10") == nil, "allowlisted by the reloaded configuration")
        try "{ \"policy\": { \"threshold\": -1 } }".write(toFile: harness.configPath, atomically: true, encoding: .utf8)
        let refused = try await harness.cli(["reload"] + socket)
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("policy.threshold"))

        #expect(try await harness.stop(daemon) == 0)
        let gone = try await harness.cli(["status"] + socket)
        #expect(gone.status == 69)
        #expect(gone.standardError.contains("hint:"))
    }

    @Test("Rename-and-recreate rotation while attacking loses no event")
    func rotationLosesNothing() async throws {
        let harness = try await DaemonHarness()
        let daemon = try await harness.start()
        var addresses: [String] = []
        for round in 0..<4 {
            let batch = (1...25).map { "198.51.\(100 + round).\($0)" }
            addresses += batch
            try harness.log.attack(Array(batch.prefix(12)))
            try harness.log.rotate()
            try harness.log.attack(Array(batch.dropFirst(12)))
            // logrotate runs daily, not several times a millisecond: let this generation be read before the
            // next rotation (the follower reads at most one unread generation back, from path.1).
            #expect(try await harness.waitForBans(addresses, timeout: .seconds(20)), "round \(round)")
        }
        let all = try await harness.waitForBans(addresses, timeout: .seconds(30))
        #expect(all, "\(harness.daemonOutput)")
        let counters = try await harness.sourceCounters()
        #expect(counters.events == 100, "\(counters)")
        if !all {
            var missing: [String] = []
            for address in addresses where try await harness.lookup(address) == nil { missing.append(address) }
            Issue.record("missing: \(missing)")
        }
        #expect(try await harness.stop(daemon) == 0)
    }
}
