import Foundation
import Glibc
import KobraKaiDaemon
import KobraKaiNetfilterTestSupport
import Testing

@Suite("kobrakai report: the real binary on the daemon's own state database", .serialized)
struct ReportCommandTests {
    @Test("events and bans the daemon recorded are reported, while it runs and after it stopped, as text and JSON")
    func reportFromDaemonState() async throws {
        let harness = try await DaemonHarness()
        let daemon = try await harness.start()
        let attackers = ["203.0.113.5", "203.0.113.6", "2001:db8:99::7"]
        // Lines stamped now: the history keeps each event at its line's own time.
        for address in attackers + ["203.0.113.5"] { try harness.log.append(Self.failedACLNow(address)) }
        #expect(try await harness.waitForBans(attackers), "\(harness.daemonOutput)")
        #expect(try await harness.waitUntil(timeout: .seconds(20)) { try await harness.sourceCounters().events == 4 })

        // With the daemon running: the writer commits shortly after the bans; poll for it.
        #expect(try await harness.waitUntil(timeout: .seconds(20)) {
            let running = try await harness.cli(["report", "--state", harness.statePath, "--json"])
            return running.status == 0 && running.standardOutput.contains("\"total_events\":4")
        })
        #expect(try await harness.stop(daemon) == 0)

        let json = try await harness.cli(["report", "--state", harness.statePath, "--json", "--since", "1h"])
        #expect(json.status == 0, "\(json.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(object["total_events"] as? Int == 4 && object["total_bans"] as? Int == 3)
        let addresses = try #require(object["top_addresses"] as? [[String: Any]])
        #expect(addresses.first?["key"] as? String == "203.0.113.5" && addresses.first?["count"] as? Int == 2)
        let prefixes = try #require(object["top_prefixes"] as? [[String: Any]])
        #expect(prefixes.map { $0["key"] as? String } == ["203.0.113.0/24", "2001:db8:99::/64"])
        let origins = try #require(object["bans_by_origin"] as? [[String: Any]])
        #expect(origins.first?["key"] as? String == "log" && origins.first?["count"] as? Int == 3)
        let accounts = try #require(object["top_accounts"] as? [[String: Any]])
        #expect(accounts.first?["key"] as? String == "100")

        let text = try await harness.cli(["report", "--state", harness.statePath + "/kobrakai.sqlite", "--top", "2"])
        #expect(text.status == 0, "\(text.standardError)")
        #expect(text.standardOutput.contains("4 event(s) from 3 address(es); 3 ban(s)"), "\(text.standardOutput)")
        #expect(text.standardOutput.contains("Events per hour (UTC)"))
        #expect(text.standardOutput.contains("security.failed-acl: high severity, first event"))
        #expect(!text.standardOutput.unicodeScalars.contains("\u{1B}"), "no escape sequences into a pipe")
    }

    /// AttackLog.failedACL with the current time in the line's prefix (local time, as Asterisk writes it) and EventTV.
    static func failedACLNow(_ address: String) -> String {
        let local = DateFormatter()
        local.dateFormat = "yyyy-MM-dd HH:mm:ss"
        local.timeZone = .current
        let utc = DateFormatter()
        utc.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS'+0000'"
        utc.timeZone = TimeZone(identifier: "UTC")
        let now = Date()
        return AttackLog.failedACL(address)
            .replacingOccurrences(of: "[2026-01-01 00:00:00]", with: "[\(local.string(from: now))]")
            .replacingOccurrences(of: "EventTV=\"2026-01-01T00:00:00.000+0000\"", with: "EventTV=\"\(utc.string(from: now))\"")
    }

    @Test("a missing, foreign or unreadable state database: a clear error and a sysexits code; bad options: 64")
    func errors() async throws {
        let directory = NSTemporaryDirectory() + "kk-report-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let binary = DaemonHarness.binaryPath
        let missing = try ChildProcess([binary, "report", "--state", directory]).run()
        #expect(missing.status == 66 && missing.standardError.contains("no state database at \(directory)/kobrakai.sqlite"))
        try "plain text, not SQLite".write(toFile: directory + "/kobrakai.sqlite", atomically: true, encoding: .utf8)
        let foreign = try ChildProcess([binary, "report", "--state", directory]).run()
        #expect(foreign.status == 65 && foreign.standardError.contains("not a readable KobraKai state database"), "\(foreign.standardError)")
        #expect(try ChildProcess([binary, "report", "--since", "yesterday"]).run().status == 64)
        // An unprivileged user and the root-only state directory: 77, not "missing".
        chmod(directory, 0o700)
        let denied = try ChildProcess(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", binary, "report", "--state", directory]).run()
        #expect(denied.status == 77 && denied.standardError.contains("permission denied"), "\(denied.standardError)")
    }
}
