import Foundation
import Glibc
import KobraKaiAddress
import KobraKaiDaemon
import KobraKaiFirewall
import KobraKaiNetfilter
import KobraKaiNetfilterTestSupport
import Synchronization
import Testing

/// The real `kobrakai` binary as a daemon inside a private network namespace with nft/kobrakai.nft loaded,
/// with its log, state directory and control socket in a temporary directory.
///
/// Creating the namespace needs root: without it the test FAILS with the reason (never skipped silently).
final class DaemonHarness: Sendable {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let rulesetPath = repositoryRoot.appendingPathComponent("nft/kobrakai.nft").path
    /// Added to `lo` in the namespace: the daemon must find it with getifaddrs and never ban it.
    static let ownAddress = "10.99.0.1"
    static let allowlisted = "192.0.2.0/24"

    let namespace: NetworkNamespaceThread
    let directory: String
    let firewall: NftablesFirewall
    var logPath: String { directory + "/security.log" }
    var configPath: String { directory + "/kobrakai.json" }
    var socketPath: String { directory + "/control.sock" }
    var statePath: String { directory + "/state" }
    var stderrPath: String { directory + "/daemon.err" }
    var log: AttackLog { AttackLog(path: logPath) }
    /// Daemons still running: a failed test must not leave one behind.
    private let running = Mutex<[pid_t]>([])

    init(baseBanTime: String = "10m") async throws {
        do {
            namespace = try NetworkNamespaceThread()
        } catch {
            Issue.record("daemon end-to-end tests need a private network namespace (run as root): \(error)")
            throw error
        }
        directory = "/tmp/kk-e2e-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for command in [["nft", "-f", Self.rulesetPath], ["ip", "link", "set", "lo", "up"],
                        ["ip", "addr", "add", Self.ownAddress + "/32", "dev", "lo"]] {
            let outcome = try await namespace.run { try ChildProcess(command).run() }
            try #require(outcome.status == 0, "\(command): \(outcome.standardError)")
        }
        firewall = try await namespace.run { try NftablesFirewall() }
        let configuration = """
            {
              "log_sources": [ { "path": "\(directory)/security.log", "format": "asterisk", "start_at": "end" } ],
              "policy": { "ban_time": { "base": "\(baseBanTime)", "factor": 2 }, "subnet": { "enabled": false } },
              "allowlist": { "cidrs": ["\(Self.allowlisted)"] },
              "state_directory": "\(directory)/state",
              "control_socket": "\(directory)/control.sock"
            }
            """
        try configuration.write(toFile: configPath, atomically: true, encoding: .utf8)
        try "".write(toFile: logPath, atomically: true, encoding: .utf8)
    }

    /// Adds an `ami` section pointing at a manager on 127.0.0.1:`port` in the namespace.
    func enableAMI(port: UInt16, username: String, secret: String) throws {
        let text = try String(contentsOfFile: configPath, encoding: .utf8)
        let section = "\"ami\": { \"enabled\": true, \"host\": \"127.0.0.1\", \"port\": \(port), "
            + "\"username\": \"\(username)\", \"secret\": \"\(secret)\", \"reconnect_delay\": \"200ms\" },\n  \"log_sources\""
        try text.replacingOccurrences(of: "\"log_sources\"", with: section).write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    deinit {
        let leftovers = running.withLock { $0 }
        for pid in leftovers { kill(pid, SIGKILL) }
        if !leftovers.isEmpty {
            // Reap on a thread of its own (waitpid blocks; this deinit may run on the cooperative pool).
            Thread { for pid in leftovers { waitpid(pid, nil, 0) } }.start()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    static var binaryPath: String {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kobrakai"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("kobrakai"),
            repositoryRoot.appendingPathComponent(".build/debug/kobrakai"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }?.path ?? candidates.last!.path
    }

    /// Starts `kobrakai run` and waits (up to 30 s) until its control socket answers.
    func start(_ extraArguments: [String] = [], environment: [String: String] = [:]) async throws -> BackgroundProcess {
        let arguments = [Self.binaryPath, "run", "--config", configPath] + extraArguments
        let errorPath = stderrPath
        let variables = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let process = try await namespace.run {
            try BackgroundProcess.spawn(arguments, standardError: errorPath, environment: variables)
        }
        running.withLock { $0.append(process.pid) }
        let ready = try await waitUntil(timeout: .seconds(30)) { (try? await self.status()) != nil }
        try #require(ready, "daemon did not become ready: \(daemonOutput)")
        return process
    }

    /// Sends `signal` and waits for the exit status.
    func stop(_ process: BackgroundProcess, signal: Int32 = SIGTERM) async throws -> Int32 {
        process.signal(signal)
        let status = try await namespace.run { process.wait() }
        running.withLock { $0.removeAll { $0 == process.pid } }
        return status
    }

    var daemonOutput: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    func status() async throws -> ControlValue {
        let path = socketPath
        let response = try await namespace.run { () throws -> ControlResponse in
            try ControlClient(path: path, timeout: .seconds(10)).send(ControlRequest(command: .status))
        }
        guard response.ok, let result = response.result else { throw ControlError(response.error ?? "no result") }
        return result
    }

    /// Lines and events the source has handled in this daemon run.
    func sourceCounters() async throws -> (lines: Int64, events: Int64) {
        guard case .array(let sources)? = try await status()["sources"], let first = sources.first,
              case .integer(let lines)? = first["lines"], case .integer(let events)? = first["events"]
        else { throw ControlError("status without source counters") }
        return (lines, events)
    }

    func lookup(_ address: String) async throws -> BanEntry? {
        try await firewall.lookup(IPAddress(address)!)
    }

    /// Runs the `kobrakai` CLI (optionally behind a wrapper such as setpriv) in the namespace.
    func cli(_ arguments: [String], wrapper: [String] = []) async throws -> ChildProcess.Outcome {
        let process = ChildProcess(wrapper + [Self.binaryPath] + arguments)
        return try await namespace.run { try process.run() }
    }

    func nft(_ arguments: [String]) async throws -> ChildProcess.Outcome {
        try await namespace.run { try ChildProcess(["nft"] + arguments).run() }
    }

    /// Polls `condition` every 20 ms until it holds or `timeout` passes (generous bounds: a loaded CI box).
    func waitUntil(timeout: Duration, _ condition: @Sendable () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }

    /// Waits until every address is in the kernel set. A lookup that fails (the table is missing for a moment
    /// while the daemon repairs a flushed ruleset) counts as "not yet", not as a test failure.
    func waitForBans(_ addresses: [String], timeout: Duration = .seconds(20)) async throws -> Bool {
        try await waitUntil(timeout: timeout) {
            for address in addresses where (try? await self.lookup(address)) == nil { return false }
            return true
        }
    }
}
