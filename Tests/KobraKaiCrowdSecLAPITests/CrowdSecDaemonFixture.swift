import Foundation
import Glibc
import KobraKaiDaemon
import KobraKaiNetfilter
import KobraKaiNetfilterTestSupport
import Testing

/// A private network namespace with nft/kobrakai.nft loaded, a real CrowdSec LAPI in it, and the real
/// `kobrakai` binary's configuration (CrowdSec bouncer and watcher on, credentials in 0600 files) in a
/// temporary directory. The host's ruleset is never touched.
final class CrowdSecDaemonFixture: Sendable {
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

    let namespace: NetworkNamespaceThread
    let firewall: NftablesFirewall
    let lapi: LocalAPIServer
    let directory: String
    var configPath: String { directory + "/kobrakai.json" }
    var socketPath: String { directory + "/control.sock" }
    var statePath: String { directory + "/state" }
    var logPath: String { directory + "/security.log" }
    var errorLog: String { directory + "/daemon.err" }
    var daemonOutput: String { (try? String(contentsOfFile: errorLog, encoding: .utf8)) ?? "" }

    /// - Parameter bouncerKey: what the bouncer key file holds at start (a wrong one to test reloads).
    init(bouncerKey: String = LocalAPIServer.bouncerKey) async throws {
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
        firewall = try await namespace.run { try NftablesFirewall() }
        lapi = try await LocalAPIServer(namespace: namespace)
        try await lapi.start()
        directory = "/tmp/kk-cs-e2e-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.writeSecret(bouncerKey, to: directory + "/bouncer.key")
        try Self.writeSecret(LocalAPIServer.machinePassword, to: directory + "/machine.password")
        try "".write(toFile: logPath, atomically: true, encoding: .utf8)
        try """
            {
              "log_sources": [ { "path": "\(logPath)", "format": "asterisk", "start_at": "end" } ],
              "policy": { "ban_time": { "base": "10m" }, "subnet": { "enabled": false } },
              "crowdsec": {
                "enabled": true, "lapi_url": "\(lapi.url)", "bouncer_api_key_file": "\(directory)/bouncer.key",
                "pull_interval": "1s", "push_enabled": true, "machine_id": "\(LocalAPIServer.machineID)",
                "password_file": "\(directory)/machine.password"
              },
              "state_directory": "\(statePath)",
              "control_socket": "\(socketPath)"
            }
            """.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    deinit {
        lapi.tearDown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func writeSecret(_ text: String, to path: String) throws {
        try? FileManager.default.removeItem(atPath: path)
        _ = FileManager.default.createFile(atPath: path, contents: Data((text + "\n").utf8), attributes: [.posixPermissions: 0o600])
    }

    /// Starts `kobrakai run` in the namespace and waits (30 s at most) until its control socket answers.
    func startDaemon() async throws -> BackgroundProcess {
        let arguments = [Self.binaryPath, "run", "--config", configPath]
        let errorLog = self.errorLog
        let process = try await namespace.run { try BackgroundProcess.spawn(arguments, standardError: errorLog) }
        let ready = await eventually(within: .seconds(30)) { (try? self.status()) != nil }
        try #require(ready, "daemon not ready: \(daemonOutput)")
        return process
    }

    func status() throws -> ControlValue? {
        let response = try ControlClient(path: socketPath, timeout: .seconds(5)).send(ControlRequest(command: .status))
        return response.ok ? response.result : nil
    }

    /// The bouncer's state in `kobrakai status` ("starting", "ok", "failing").
    func bouncerState() -> String? {
        guard case .string(let state)? = (try? status())??["crowdsec"]?["bouncer"]?["state"] else { return nil }
        return state
    }

    /// Runs the `kobrakai` CLI in the namespace.
    func cli(_ arguments: [String]) async throws -> ChildProcess.Outcome {
        let command = [Self.binaryPath] + arguments
        return try await namespace.run { try ChildProcess(command).run() }
    }

    /// Appends a `FailedACL` line from `address`, stamped now: high severity, banned on first sight.
    func attack(_ address: String) throws {
        let local = DateFormatter()
        local.dateFormat = "yyyy-MM-dd HH:mm:ss"
        local.timeZone = .current
        let utc = DateFormatter()
        utc.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS'+0000'"
        utc.timeZone = TimeZone(identifier: "UTC")
        let now = Date()
        let line = "[\(local.string(from: now))] SECURITY[2212] res_security_log.c: SecurityEvent=\"FailedACL\","
            + "EventTV=\"\(utc.string(from: now))\",Severity=\"Error\",Service=\"PJSIP\",EventVersion=\"1\","
            + "AccountID=\"100\",SessionID=\"0x1\",LocalAddress=\"IPV4/UDP/10.0.0.1/5060\","
            + "RemoteAddress=\"IPV4/UDP/\(address)/5060\",SessionTV=\"1970-01-01T00:00:00.000+0000\"\n"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        handle.seekToEndOfFile()
        handle.write(Data(line.utf8))
        try handle.close()
    }
}
