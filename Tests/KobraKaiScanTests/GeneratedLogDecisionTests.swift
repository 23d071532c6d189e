import Foundation
import KobraKaiAddress
import Testing

/// `kobrakai scan --decisions` against shared/bench/gen_asterisk_log.py's answer key.
///
/// The generator lives beside the repository (`../shared/bench/`, as in CI); a worktree elsewhere falls
/// back to /work/shared. Without the generator or python3 the suite is skipped, not passed.
enum Generator {
    static let script: String? = {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let candidates = [
            repository.deletingLastPathComponent().appendingPathComponent("shared/bench/gen_asterisk_log.py").path,
            "/work/shared/bench/gen_asterisk_log.py",
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }()

    static let python: String? = ["/usr/bin/python3", "/usr/local/bin/python3"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    static var isAvailable: Bool { script != nil && python != nil }
}

@Suite("kobrakai scan --decisions on a generated log", .enabled(if: Generator.isAvailable), .serialized)
struct GeneratedLogDecisionTests {
    /// The generator's PBX: its LAN (phones with stale passwords fail now and then), its public address and
    /// the SIP trunks, which share 198.51.100.0/24 with attackers. An operator allowlists exactly these.
    static let legitimate = ["192.168.10.0/24", "198.51.100.10", "198.51.100.77", "198.51.100.78", "192.0.2.200"]

    @Test("every attacker over the key's 5-in-600s threshold is banned; no LAN, trunk or PBX address is")
    func answerKey() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kobrakai-gen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("asterisk.log").path
        let key = log + ".key.json"
        let generator = Process()
        generator.executableURL = URL(fileURLWithPath: try #require(Generator.python))
        generator.arguments = [
            try #require(Generator.script), "--lines", "30000", "--seed", "3", "--pool-size", "400",
            "--legit-fail-ratio", "0.01", "--thresholds", "5:600", "-o", log, "--key", key,
        ]
        generator.standardError = FileHandle.nullDevice
        try generator.run()
        generator.waitUntilExit()
        #expect(generator.terminationStatus == 0)

        // The key counts every matched line as one failure, so low-severity events count fully here
        // (low_weight 1). It truncates times to whole seconds while security events carry milliseconds:
        // one extra second of window covers that.
        let allowlist = Self.legitimate.map { "\"\($0)\"" }.joined(separator: ", ")
        let config = try ScanCommandRunner.temporaryLog(
            #"{"policy": {"threshold": 5, "window": "601s", "low_weight": 1}, "allowlist": {"cidrs": [\#(allowlist)]}}"#,
            name: "kobrakai.json")
        let outcome = try ScanCommandRunner.run(["scan", "--json", "--decisions", "--config", config, log])
        #expect(outcome.status == 0, "\(outcome.standardError)")

        var targets: [IPPrefix] = []
        for line in outcome.standardOutput.split(separator: "\n") where line.hasPrefix("{\"ban\"") {
            let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            targets.append(try IPPrefix(parsing: try #require(object["ban"] as? String)))
        }
        let answer = try #require(
            JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: key))) as? [String: Any])
        let bans = try #require((answer["bans"] as? [String: Any])?["5:600"] as? [String: Any])
        let entries = try #require(bans["banned"] as? [[String: Any]])
        // The generator also draws attackers from the TEST-NETs that hold its PBX and trunks; those are
        // allowlisted here (never banned by design) and checked below with the legitimate addresses.
        let exempt = try Self.legitimate.map { try IPPrefix(parsing: $0) }
        let attackers = try entries.filter { $0["class"] as? String == "attacker" }.compactMap { $0["ip"] as? String }
            .filter { address in try !exempt.contains { $0.contains(try IPAddress(parsing: address)) } }
        #expect(attackers.count >= 20, "the generated log must exercise the threshold")
        for attacker in attackers {
            let address = try IPAddress(parsing: attacker)
            #expect(targets.contains { $0.contains(address) }, "attacker \(attacker) over the threshold was not banned")
        }

        let failures = try #require(answer["failures_per_ip"] as? [String: Any])
        var legitimate = try Self.legitimate.map { try IPPrefix(parsing: $0) }.map(\.network)
        legitimate += try failures.keys.filter { $0.hasPrefix("192.168.") }.map { try IPAddress(parsing: $0) }
        #expect(legitimate.count > Self.legitimate.count, "the log must contain failures from LAN phones")
        for address in legitimate {
            #expect(!targets.contains { $0.contains(address) }, "legitimate address \(address) was banned")
        }
    }
}
