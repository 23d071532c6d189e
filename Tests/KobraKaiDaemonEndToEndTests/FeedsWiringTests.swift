import Foundation
import KobraKaiDaemon
import KobraKaiHTTPTestSupport
import Testing

/// `kobrakai run` with an `apiban` section (a local stand-in for apiban.org inside the daemon's network
/// namespace) and a `blocklists` file: both feed the kernel sets, show in `kobrakai status`, follow the
/// file, and come back after `nft flush ruleset`.
@Suite("kobrakai run: APIBAN and blocklists", .serialized)
struct FeedsWiringTests {
    static let key = "E2eKey-123"

    @Test("APIBAN and blocklist bans land in the kernel, follow the file, show in status and survive a flushed ruleset")
    func feedsInTheDaemon() async throws {
        let harness = try await DaemonHarness()
        // Created on the namespace's thread: the listening socket belongs to the daemon's namespace.
        let server = try await harness.namespace.run {
            try LoopbackHTTPServer { request in
                request.path == "/api/\(Self.key)/banned"
                    ? .json(200, #"{"ipaddress":["198.51.100.61","192.0.2.9","10.99.0.1"],"ID":"77"}"#)
                    : .json(400, #"{"ipaddress":["no new bans"],"ID":"none"}"#)
            }
        }
        let blocklist = harness.directory + "/drop.txt"
        try "203.0.113.62\n198.18.64.0/24\nbad line\n".write(toFile: blocklist, atomically: true, encoding: .utf8)
        let text = try String(contentsOfFile: harness.configPath, encoding: .utf8)
        let sections = """
            "apiban": { "enabled": true, "key": "\(Self.key)", "url": "\(server.baseURL)/api", "interval": "30s" },
              "blocklists": { "files": ["\(blocklist)"], "interval": "1s", "ban_time": "1h" },
              "log_sources"
            """
        try text.replacingOccurrences(of: "\"log_sources\"", with: sections).write(toFile: harness.configPath, atomically: true, encoding: .utf8)

        let daemon = try await harness.start()
        #expect(try await harness.waitForBans(["198.51.100.61", "203.0.113.62", "198.18.64.9"]), "\(harness.daemonOutput)")
        #expect(try await harness.lookup("198.51.100.61")?.comment == "apiban")
        #expect(try await harness.lookup("198.51.100.61")?.timeout == .seconds(7 * 86_400))
        #expect(try await harness.lookup("198.18.64.9")?.comment == "blocklist:drop.txt")
        #expect(try await harness.lookup("192.0.2.9") == nil, "allowlisted")
        #expect(try await harness.lookup("10.99.0.1") == nil, "the host's own address")
        #expect(!harness.daemonOutput.contains(Self.key), "the key is never logged")

        // The last page's bans can be in the kernel a moment before APIBAN records the poll as done.
        #expect(try await harness.waitUntil(timeout: .seconds(15)) {
            (try? await harness.status())?["apiban"]?["state"] == .string("ok")
        })
        let status = try await harness.status()
        #expect(status["apiban"]?["state"] == .string("ok"))
        #expect(status["apiban"]?["skipped_allowlisted"] == .integer(2))
        guard case .array(let files)? = status["blocklists"] else { Issue.record("no blocklists in status: \(status)"); return }
        #expect(files.first?["bad_lines"] == .integer(1) && files.first?["state"] == .string("ok"))
        let printed = try await harness.cli(["status", "--socket", harness.socketPath])
        #expect(printed.standardOutput.contains("apiban: ok"), "\(printed.standardOutput)")
        #expect(printed.standardOutput.contains("\(blocklist): ok"))

        // The entry leaves the file: lifted at the next reading (interval 1 s).
        try "203.0.113.62\n".write(toFile: blocklist, atomically: true, encoding: .utf8)
        #expect(try await harness.waitUntil(timeout: .seconds(15)) { try await harness.lookup("198.18.64.9") == nil })

        // A flushed ruleset: the repair re-creates it, APIBAN starts from the first page again, the blocklist re-applies.
        let requestsBefore = server.requests.count
        #expect(try await harness.nft(["flush", "ruleset"]).status == 0)
        #expect(try await harness.waitForBans(["198.51.100.61", "203.0.113.62"], timeout: .seconds(20)), "\(harness.daemonOutput)")
        #expect(server.requests.dropFirst(requestsBefore).first?.path == "/api/\(Self.key)/banned")
        #expect(try await harness.stop(daemon) == 0)
    }
}
