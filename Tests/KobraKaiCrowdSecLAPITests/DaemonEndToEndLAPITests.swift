import Foundation
import Glibc
import KobraKaiAddress
import KobraKaiDaemon
import KobraKaiNetfilter
import KobraKaiNetfilterTestSupport
import Testing

extension CrowdSecLAPISuites {
    /// The real `kobrakai` binary with CrowdSec enabled against a real LAPI, both in one private network
    /// namespace with nft/kobrakai.nft loaded (the host's ruleset is never touched).
    @Suite("kobrakai run with CrowdSec against a real LAPI", .timeLimit(.minutes(3)))
    struct DaemonEndToEndLAPITests {
        static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()

        static var binaryPath: String {
            let candidates = [
                URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kobrakai"),
                Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("kobrakai"),
                repositoryRoot.appendingPathComponent(".build/debug/kobrakai"),
            ]
            return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }?.path ?? candidates.last!.path
        }

        /// A `FailedACL` security event from `address`, stamped now: high severity, banned on first sight.
        static func attackLine(_ address: String) -> String {
            let local = DateFormatter()
            local.dateFormat = "yyyy-MM-dd HH:mm:ss"
            local.timeZone = .current
            let utc = DateFormatter()
            utc.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS'+0000'"
            utc.timeZone = TimeZone(identifier: "UTC")
            let now = Date()
            return "[\(local.string(from: now))] SECURITY[2212] res_security_log.c: SecurityEvent=\"FailedACL\","
                + "EventTV=\"\(utc.string(from: now))\",Severity=\"Error\",Service=\"PJSIP\",EventVersion=\"1\","
                + "AccountID=\"100\",SessionID=\"0x1\",LocalAddress=\"IPV4/UDP/10.0.0.1/5060\","
                + "RemoteAddress=\"IPV4/UDP/\(address)/5060\",SessionTV=\"1970-01-01T00:00:00.000+0000\"\n"
        }

        static func writeSecret(_ text: String, to path: String) throws {
            _ = FileManager.default.createFile(atPath: path, contents: Data((text + "\n").utf8), attributes: [.posixPermissions: 0o600])
        }

        @Test("cscli decisions reach the kernel set, a log attack reaches the LAPI, and kobrakai unban of it stays unbanned across pulls and a restart")
        func daemonWithCrowdSec() async throws {
            let namespace: NetworkNamespaceThread
            do {
                namespace = try NetworkNamespaceThread()
            } catch {
                Issue.record("needs a private network namespace (run as root): \(error)")
                throw error
            }
            for command in [["nft", "-f", Self.repositoryRoot.appendingPathComponent("nft/kobrakai.nft").path], ["ip", "link", "set", "lo", "up"]] {
                let outcome = try await namespace.run { try ChildProcess(command).run() }
                try #require(outcome.status == 0, "\(command): \(outcome.standardError)")
            }
            let firewall = try await namespace.run { try NftablesFirewall() }
            let lapi = try await LocalAPIServer(namespace: namespace)
            defer { lapi.tearDown() }
            try await lapi.start()

            let directory = "/tmp/kk-cs-e2e-" + UUID().uuidString.prefix(8)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try Self.writeSecret(LocalAPIServer.bouncerKey, to: directory + "/bouncer.key")
            try Self.writeSecret(LocalAPIServer.machinePassword, to: directory + "/machine.password")
            try "".write(toFile: directory + "/security.log", atomically: true, encoding: .utf8)
            let configPath = directory + "/kobrakai.json"
            try """
                {
                  "log_sources": [ { "path": "\(directory)/security.log", "format": "asterisk", "start_at": "end" } ],
                  "policy": { "ban_time": { "base": "10m" }, "subnet": { "enabled": false } },
                  "crowdsec": {
                    "enabled": true, "lapi_url": "\(lapi.url)", "bouncer_api_key_file": "\(directory)/bouncer.key",
                    "pull_interval": "1s", "push_enabled": true, "machine_id": "\(LocalAPIServer.machineID)",
                    "password_file": "\(directory)/machine.password"
                  },
                  "state_directory": "\(directory)/state",
                  "control_socket": "\(directory)/control.sock"
                }
                """.write(toFile: configPath, atomically: true, encoding: .utf8)

            let binary = Self.binaryPath
            let errorLog = directory + "/daemon.err"
            var daemonOutput: String { (try? String(contentsOfFile: errorLog, encoding: .utf8)) ?? "" }
            let startDaemon = { @Sendable () async throws -> BackgroundProcess in
                let process = try await namespace.run {
                    try BackgroundProcess.spawn([binary, "run", "--config", configPath], standardError: errorLog)
                }
                let ready = await eventually(within: .seconds(30)) {
                    (try? ControlClient(path: directory + "/control.sock", timeout: .seconds(5)).send(ControlRequest(command: .status)))?.ok == true
                }
                try #require(ready, "daemon not ready")
                return process
            }
            let cli = { @Sendable (arguments: [String]) async throws -> ChildProcess.Outcome in
                try await namespace.run { try ChildProcess([binary] + arguments).run() }
            }
            var daemon = try await startDaemon()
            defer { daemon.stop() }

            // CrowdSec → kernel.
            try await lapi.cscli(["decisions", "add", "--ip", "198.51.100.7", "--duration", "1h"])
            #expect(await eventually { (try? await firewall.lookup(IPAddress("198.51.100.7")!))?.comment?.hasPrefix("crowdsec:") == true },
                    "\(daemonOutput)")

            // Log → kernel → LAPI.
            let attacker = "203.0.113.5"
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/security.log"))
            handle.seekToEndOfFile()
            handle.write(Data(Self.attackLine(attacker).utf8))
            try handle.close()
            #expect(await eventually { (try? await firewall.lookup(IPAddress(attacker)!)) != nil }, "\(daemonOutput)")
            #expect(await eventually { (try? await lapi.listedDecisionValues().contains(attacker)) == true }, "\(daemonOutput)")
            // A few pulls later it is still our local ban, not re-applied under a crowdsec: comment.
            try await Task.sleep(for: .seconds(3))
            #expect(try await firewall.lookup(IPAddress(attacker)!)?.comment == "security.failed-acl: high severity, first event")

            // kobrakai unban: gone locally at once, gone from the LAPI, not back after pulls or a restart's full pull.
            let unbanned = try await cli(["unban", "--socket", directory + "/control.sock", attacker])
            #expect(unbanned.status == 0, "\(unbanned.standardError)")
            #expect(try await firewall.lookup(IPAddress(attacker)!) == nil)
            #expect(await eventually { (try? await lapi.listedDecisionValues().contains(attacker)) == false }, "\(daemonOutput)")
            try await Task.sleep(for: .seconds(3))
            #expect(try await firewall.lookup(IPAddress(attacker)!) == nil, "not back after the next pulls")

            daemon.stop()
            daemon = try await startDaemon()
            // The startup (full) pull has succeeded once the bouncer reports "ok".
            #expect(await eventually {
                let response = try? ControlClient(path: directory + "/control.sock", timeout: .seconds(5)).send(ControlRequest(command: .status))
                return response?.result?["crowdsec"]?["bouncer"]?["state"] == .string("ok")
            }, "\(daemonOutput)")
            #expect(try await firewall.lookup(IPAddress(attacker)!) == nil, "not back after a full startup pull")

            // The history behind kobrakai report has both origins.
            let report = try await cli(["report", "--state", directory + "/state", "--json"])
            #expect(report.status == 0, "\(report.standardError)")
            #expect(report.standardOutput.contains("{\"count\":1,\"key\":\"log\"}"), "\(report.standardOutput)")
            #expect(report.standardOutput.contains("{\"count\":1,\"key\":\"crowdsec\"}"), "\(report.standardOutput)")
            #expect(report.standardOutput.contains("\"total_events\":1"), "\(report.standardOutput)")
        }
    }
}
