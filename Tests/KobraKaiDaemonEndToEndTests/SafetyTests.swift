import Foundation
import Glibc
import KobraKaiDaemon
import Testing

@Suite("kobrakai run: refusals and dry run", .serialized)
struct SafetyTests {
    @Test("The control socket refuses a non-root client (exit 77)")
    func nonRootRefused() async throws {
        let harness = try await DaemonHarness()
        let daemon = try await harness.start()
        let refused = try await harness.cli(
            ["status", "--socket", harness.socketPath],
            wrapper: ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
        #expect(refused.status == 77, "\(refused.standardError)")
        #expect(refused.standardError.contains("permission denied"))
        #expect(try await harness.cli(["status", "--socket", harness.socketPath]).status == 0)
        #expect(try await harness.stop(daemon) == 0)
    }

    @Test("--dry-run decides and logs but bans nothing in the kernel")
    func dryRun() async throws {
        let harness = try await DaemonHarness()
        let daemon = try await harness.start(["--dry-run"])
        try harness.log.attack(["203.0.113.70", "203.0.113.71"])
        #expect(try await harness.waitUntil(timeout: .seconds(20)) { try await harness.status()["bans_applied"] == .integer(2) })
        #expect(try await harness.firewall.list().isEmpty)
        #expect(harness.daemonOutput.contains("dry run"))
        #expect(try await harness.stop(daemon) == 0)
    }

    @Test("A bad configuration exits 78 naming the key")
    func badConfiguration() async throws {
        let harness = try await DaemonHarness()
        try #"{ "policy": { "ban_time": { "factor": 0 } } }"#.write(toFile: harness.configPath, atomically: true, encoding: .utf8)
        let outcome = try await harness.cli(["run", "--config", harness.configPath])
        #expect(outcome.status == 78)
        #expect(outcome.standardError.contains("policy.ban_time.factor"))
        let missing = try await harness.cli(["--config", harness.directory + "/absent.json"])
        #expect(missing.status == 78)
    }
}
