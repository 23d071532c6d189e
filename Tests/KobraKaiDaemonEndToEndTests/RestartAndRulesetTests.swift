import Foundation
import Glibc
import KobraKaiAddress
import KobraKaiDaemon
import KobraKaiFirewall
import Testing

@Suite("kobrakai run: crashes, restarts and a wiped ruleset", .serialized)
struct RestartAndRulesetTests {
    static func attackers(_ count: Int) -> [String] { (0..<count).map { "198.18.\($0 / 250).\($0 % 250 + 1)" } }

    @Test("kill -9 under a stream of attacks, then restart: no ban lost, no line processed twice, progressive ban time continues")
    func killNineAndRestart() async throws {
        let harness = try await DaemonHarness(baseBanTime: "10m")
        let first = try await harness.start()
        let addresses = Self.attackers(400)
        let log = harness.log
        let writer = Task {
            for (index, address) in addresses.enumerated() {
                try log.append(AttackLog.failedACL(address))
                if index % 20 == 19 { try await Task.sleep(for: .milliseconds(5)) }
            }
        }
        // Kill once the daemon is visibly mid-stream.
        #expect(try await harness.waitUntil(timeout: .seconds(20)) { try await harness.lookup(addresses[100]) != nil })
        #expect(try await harness.stop(first, signal: SIGKILL) == 128 + SIGKILL)
        try await writer.value

        // What the crashed run committed: bans and the log position, written in one transaction.
        let store = try StateStore(directory: harness.statePath)
        let saved = try #require(try await store.position(for: harness.logPath))
        let text = try String(contentsOfFile: harness.logPath, encoding: .utf8)
        let committedLines = text.utf8.prefix(Int(saved.offset)).filter { $0 == UInt8(ascii: "\n") }.count
        let storedBans = try await store.unexpiredBans(now: .wallClock())
        #expect(committedLines > 0 && committedLines < addresses.count, "killed mid-stream: \(committedLines) lines committed")
        #expect(storedBans.count >= committedLines, "every committed line's ban is stored: \(storedBans.count)")
        // A reboot or a reloaded nftables.conf empties the sets: the bans must come back from the store.
        #expect(try await harness.nft(["flush", "set", "inet", "kobrakai", "ban_v4"]).status == 0)

        let second = try await harness.start()
        #expect(try await harness.waitForBans(addresses, timeout: .seconds(30)), "\(harness.daemonOutput)")
        let counters = try await harness.sourceCounters()
        #expect(counters.lines == Int64(addresses.count - committedLines), "each line is read by exactly one run")
        #expect(try await harness.status()["bans_restored"] == .integer(Int64(storedBans.count)))
        let restored = try #require(try await harness.lookup(addresses[0]))
        #expect(restored.timeout! <= .seconds(600) && restored.comment == "security.failed-acl: high severity, first event")

        // The same attacker again after its ban was lifted: the second ban lasts factor (2) times longer.
        #expect(try await harness.cli(["unban", "--socket", harness.socketPath, addresses[0]]).status == 0)
        try harness.log.attack([addresses[0]])
        #expect(try await harness.waitForBans([addresses[0]]))
        let again = try await harness.lookup(addresses[0])
        #expect(again?.timeout == .seconds(1200), "\(String(describing: again)) \(harness.daemonOutput.suffix(1500))")
        #expect(try await harness.stop(second) == 0)
    }

    @Test("A ban only the kernel holds at start (killed between the kernel batch and the SQLite write) is adopted and survives nft flush ruleset")
    func kernelOnlyBanSurvivesRepair() async throws {
        let harness = try await DaemonHarness()
        let ownComment = "security.failed-acl: high severity, first event"
        // What a run killed in the window leaves: the ban in the set, no row in the store (there is no store yet).
        #expect(try await harness.firewall.ban([
            BanRequest(target: IPPrefix("198.51.100.77")!, timeout: .seconds(3600), comment: ownComment),
            BanRequest(target: IPPrefix("198.51.100.78")!, timeout: .seconds(3600), comment: "crowdsec: crowdsecurity/sip-bf (CAPI)"),
            BanRequest(target: IPPrefix("192.0.2.5")!, timeout: .seconds(3600), comment: ownComment),  // allowlisted now
        ]).isEmpty)
        let daemon = try await harness.start()
        #expect(try await harness.status()["bans_restored"] == .integer(1), "\(harness.daemonOutput)")

        #expect(try await harness.nft(["flush", "ruleset"]).status == 0)
        // `try?`: until the repair re-created the table, looking up throws (ruleset missing).
        let back = try await harness.waitUntil(timeout: .seconds(5)) {
            (try? await harness.waitForBans(["198.51.100.77"], timeout: .zero)) == true
        }
        #expect(back, "\(harness.daemonOutput)")
        let restored = try #require(try await harness.lookup("198.51.100.77"))
        #expect(restored.comment == ownComment)
        #expect(restored.timeout! < .seconds(3600), "the remaining time, not a fresh hour: \(restored)")
        #expect(try await harness.lookup("198.51.100.78") == nil, "CrowdSec's ban is the bouncer's to put back")
        #expect(try await harness.lookup("192.0.2.5") == nil, "an allowlisted target is never adopted")
        #expect(try await harness.stop(daemon) == 0)

        let stored = try await StateStore(directory: harness.statePath).ban(for: IPPrefix("198.51.100.77")!)
        #expect(stored?.origin == "adopted" && stored?.reason == ownComment)
    }

    @Test("nft flush ruleset while running, no further attack: table, sets, rules and bans are back within 2 s (change notification)")
    func flushRulesetIsRepaired() async throws {
        let harness = try await DaemonHarness()
        let daemon = try await harness.start()
        let before = ["203.0.113.1", "203.0.113.2", "2001:db8:5::1"]
        try harness.log.attack(before)
        #expect(try await harness.waitForBans(before))

        #expect(try await harness.nft(["flush", "ruleset"]).status == 0)
        let flushedAt = ContinuousClock.now
        let back = try await harness.waitUntil(timeout: .seconds(2)) {
            (try? await harness.waitForBans(before, timeout: .zero)) == true
        }
        let elapsed = ContinuousClock.now - flushedAt
        #expect(back, "bans back after \(elapsed): \(harness.daemonOutput)")
        let chain = try await harness.nft(["list", "chain", "inet", "kobrakai", "prerouting"]).standardOutput
        #expect(chain.contains("ip saddr @allow_v4 accept"))
        #expect(chain.contains("ip saddr @ban_v4 drop"))
        #expect(chain.contains("ip6 saddr @ban_net_v6 drop"))
        #expect(try await harness.lookup("203.0.113.1")?.comment == "security.failed-acl: high severity, first event")

        // Exactly one repair: the daemon's own restore must not look like damage (no repair loop).
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await harness.status()["ruleset_repairs"] == .integer(1))

        // New attacks keep being banned into the re-created sets.
        try harness.log.attack(["203.0.113.3"])
        #expect(try await harness.waitForBans(["203.0.113.3"]))
        #expect(try await harness.stop(daemon) == 0)
    }

    @Test("Our rules flushed from the chain (sets intact): the rules are put back within 2 s")
    func flushedChainIsRefilled() async throws {
        let harness = try await DaemonHarness()
        let daemon = try await harness.start()
        #expect(try await harness.nft(["flush", "chain", "inet", "kobrakai", "prerouting"]).status == 0)
        let refilled = try await harness.waitUntil(timeout: .seconds(2)) {
            try await harness.nft(["list", "chain", "inet", "kobrakai", "prerouting"]).standardOutput.contains("ip saddr @ban_v4 drop")
        }
        #expect(refilled, "\(harness.daemonOutput)")
        #expect(try await harness.stop(daemon) == 0)
    }

    @Test("Started without the table: the daemon creates it from its built-in copy of nft/kobrakai.nft")
    func createsMissingTable() async throws {
        let harness = try await DaemonHarness()
        #expect(try await harness.nft(["delete", "table", "inet", "kobrakai"]).status == 0)
        let daemon = try await harness.start()
        try harness.log.attack(["203.0.113.44"])
        #expect(try await harness.waitForBans(["203.0.113.44"]), "\(harness.daemonOutput)")
        #expect(try await harness.stop(daemon) == 0)
    }
}
