import Foundation
import Glibc
import KobraKaiAddress
import KobraKaiDaemon
import KobraKaiFirewall
import KobraKaiNetfilter
import KobraKaiNetfilterTestSupport

/// A private network namespace with nft/kobrakai.nft loaded, a temporary directory with the daemon's
/// configuration, log and state, and a netlink firewall in the namespace to watch the sets.
struct BenchSetup: Sendable {
    let namespace: NetworkNamespaceThread
    let firewall: NftablesFirewall
    let directory: String
    let binary: String
    var logPath: String { directory + "/security.log" }
    var statePath: String { directory + "/state" }
    var socketPath: String { directory + "/control.sock" }
    var configPath: String { directory + "/kobrakai.json" }

    static func make() async throws -> BenchSetup {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let binary = executable.appendingPathComponent("kobrakai").path
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw BenchError("\(binary) missing: swift build -c release") }
        let namespace = try NetworkNamespaceThread()
        let ruleset = FileManager.default.currentDirectoryPath + "/nft/kobrakai.nft"
        let loaded = try await namespace.run { try ChildProcess(["nft", "-f", ruleset]).run() }
        guard loaded.status == 0 else { throw BenchError("nft -f \(ruleset): \(loaded.standardError)") }
        let firewall = try await namespace.run { try NftablesFirewall() }
        let directory = "/tmp/kk-bench-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let setup = BenchSetup(namespace: namespace, firewall: firewall, directory: directory, binary: binary)
        let configuration = """
            { "log_sources": [ { "path": "\(setup.logPath)", "format": "asterisk" } ],
              "policy": { "subnet": { "enabled": false }, "limits": { "max_offenders": 200000 } },
              "state_directory": "\(setup.statePath)", "control_socket": "\(setup.socketPath)" }
            """
        try configuration.write(toFile: setup.configPath, atomically: true, encoding: .utf8)
        try "".write(toFile: setup.logPath, atomically: true, encoding: .utf8)
        return setup
    }

    func startDaemon() async throws -> BackgroundProcess {
        let arguments = [binary, "run", "--config", configPath]
        let errors = directory + "/daemon.err"
        let process = try await namespace.run { try BackgroundProcess.spawn(arguments, standardError: errors) }
        let socket = socketPath
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let ready = try await namespace.run { () -> Bool in
                (try? ControlClient(path: socket, timeout: .seconds(5)).send(ControlRequest(command: .status)))?.ok == true
            }
            if ready { return process }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw BenchError("daemon not ready: \((try? String(contentsOfFile: errors, encoding: .utf8)) ?? "")")
    }

    func stop(_ process: BackgroundProcess) async -> Int32 {
        process.signal(SIGTERM)
        return (try? await namespace.run { process.wait() }) ?? -1
    }

    func nft(_ arguments: [String]) async throws -> Int32 {
        try await namespace.run { try ChildProcess(["nft"] + arguments).run().status }
    }

    /// `false` while the address is not banned or the sets are missing (right after a flush).
    func lookupOrMissing(_ address: IPAddress) async throws -> Bool {
        do {
            return try await firewall.lookup(address) != nil
        } catch where error.code == .rulesetMissing {
            return false
        }
    }

    static func failedACL(_ address: String) -> String {
        "[2026-01-01 00:00:00] SECURITY[2212] res_security_log.c: SecurityEvent=\"FailedACL\","
            + "EventTV=\"2026-01-01T00:00:00.000+0000\",Severity=\"Error\",Service=\"PJSIP\",EventVersion=\"1\","
            + "AccountID=\"100\",SessionID=\"0x1\",LocalAddress=\"IPV4/UDP/10.0.0.1/5060\","
            + "RemoteAddress=\"IPV4/UDP/\(address)/5060\",SessionTV=\"1970-01-01T00:00:00.000+0000\"\n"
    }

    static func append(_ line: String, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else { throw BenchError("open \(path): errno \(errno)") }
        defer { close(descriptor) }
        let bytes = Array(line.utf8)
        guard bytes.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) == bytes.count else {
            throw BenchError("write \(path): errno \(errno)")
        }
    }
}
