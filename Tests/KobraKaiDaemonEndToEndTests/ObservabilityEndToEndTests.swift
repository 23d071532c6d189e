import Foundation
import Glibc
import KobraKaiDaemonTestSupport
import Testing

@Suite("kobrakai run: Prometheus endpoint, webhook and sendmail alerts", .serialized)
struct ObservabilityEndToEndTests {
    /// Sum of every series whose text starts with `prefix` (all label sets of one rule, say).
    static func total(_ exposition: String, _ prefix: String) -> Double {
        exposition.split(separator: "\n").filter { $0.hasPrefix(prefix) }.compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
    }

    @Test("The real daemon serves kernel-backed metrics, posts its bans to a webhook and mails a digest at shutdown")
    func metricsAndAlerts() async throws {
        let harness = try await DaemonHarness()
        let receiver = try await harness.namespace.run { try AlertWebhookReceiver() }
        defer { receiver.stop() }
        // A stand-in for the MTA's sendmail: records its arguments and the message.
        let mailDirectory = harness.directory + "/mail"
        try FileManager.default.createDirectory(atPath: mailDirectory, withIntermediateDirectories: true)
        let sendmail = harness.directory + "/sendmail"
        try "#!/bin/sh\nprintf '%s\\n' \"$@\" > \(mailDirectory)/argv\ncat > \(mailDirectory)/message\n".write(toFile: sendmail, atomically: true, encoding: .utf8)
        chmod(sendmail, 0o755)
        let sections = """
            "metrics": { "enabled": true, "port": 9868 },
              "alerts": {
                "webhook": { "url": "\(receiver.url)", "batch_window": "100ms", "headers": { "Authorization": "Bearer e2e" } },
                "email": { "to": "ops@example.com", "from": "kobrakai@pbx.example.com", "sendmail_path": "\(sendmail)" }
              },
              "state_directory"
            """
        let text = try String(contentsOfFile: harness.configPath, encoding: .utf8)
        try text.replacingOccurrences(of: "\"state_directory\"", with: sections).write(toFile: harness.configPath, atomically: true, encoding: .utf8)

        let daemon = try await harness.start()
        let before = try await harness.namespace.run { try RawHTTPExchange.scrape(port: 9868) }
        #expect(sample(before, #"kobrakai_bans_active{set="ban_v4"}"#) == 0, "\(before)")

        try harness.log.attack(["203.0.113.5", "198.51.100.1"])
        #expect(try await harness.waitForBans(["203.0.113.5", "198.51.100.1"]), "\(harness.daemonOutput)")
        // The active-ban gauge is read from the kernel at most every 5 s: poll past that.
        var after = ""
        let deadline = ContinuousClock.now + .seconds(30)
        repeat {
            after = try await harness.namespace.run { try RawHTTPExchange.scrape(port: 9868) }
            if sample(after, #"kobrakai_bans_active{set="ban_v4"}"#) == 2 { break }
            try await Task.sleep(for: .milliseconds(200))
        } while ContinuousClock.now < deadline
        let counted = sample(after, #"kobrakai_bans_active{set="ban_v4"}"#) == 2
        #expect(counted, "\(after)")
        #expect(sample(after, #"kobrakai_lines_read_total{source="\#(harness.logPath)"}"#) == 2)
        #expect(Self.total(after, #"kobrakai_events_total{rule="security.failed-acl""#) == 2)
        #expect(sample(after, #"kobrakai_bans_total{reason="security.failed-acl",origin="log"}"#) == 2)
        #expect(Self.total(after, #"kobrakai_netlink_transaction_seconds_count{operation="ban"}"#) >= 1)
        #expect(Self.total(after, #"kobrakai_netlink_transaction_seconds_count{operation="list"}"#) >= 1)

        let requests = await receiver.waitForRequests(1)
        let posted = requests.map { String(decoding: $0.body, as: UTF8.self) }.joined()
        #expect(requests.first?.headers["authorization"] == "Bearer e2e")
        #expect(posted.contains("\"target\":\"203.0.113.5\"") && posted.contains("\"target\":\"198.51.100.1\""), "\(posted)")

        #expect(try await harness.stop(daemon) == 0, "\(harness.daemonOutput)")
        let message = (try? String(contentsOfFile: mailDirectory + "/message", encoding: .utf8)) ?? ""
        #expect(message.contains("To: ops@example.com\n") && message.contains("2 ban(s)"), "\(message)\n\(harness.daemonOutput)")
        #expect(message.contains("203.0.113.5") && message.contains("198.51.100.1"))
        #expect((try? String(contentsOfFile: mailDirectory + "/argv", encoding: .utf8)) == "-t\n-oi\n")
    }
}
