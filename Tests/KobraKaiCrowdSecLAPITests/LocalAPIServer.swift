import Foundation
import Glibc
import KobraKaiNetfilter
import KobraKaiNetfilterTestSupport

/// A real CrowdSec Local API (Debian 12's crowdsec 1.4.6) on a free loopback port, with its own config,
/// SQLite database and credentials in a temporary directory; no agent (`-no-cs`) and no Central API
/// (`-no-capi`, no online credentials). Never touches /etc/crowdsec.
final class LocalAPIServer: Sendable {
    static let bouncerKey = "kobrakaitestbouncerkey0123456789"
    static let machineID = "kkmachine"
    static let machinePassword = "kobrakai-test-machine-password-42"

    let directory: String
    let port: Int
    let binaries: String
    /// When set, the LAPI and every `cscli` call run in this network namespace (next to a daemon under test).
    let namespace: NetworkNamespaceThread?
    private let process = LockedBox<BackgroundProcess?>(nil)

    var url: String { "http://127.0.0.1:\(port)" }
    var configPath: String { "\(directory)/config.yaml" }

    /// Installs crowdsec if needed (scripts/crowdsec-lapi.sh), writes the configuration and registers the
    /// bouncer and the machine. Does not start the LAPI.
    init(namespace: NetworkNamespaceThread? = nil) async throws {
        self.namespace = namespace
        binaries = try await Self.install()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kk-lapi-\(UUID().uuidString)").path
        port = try Self.freePort()
        try FileManager.default.createDirectory(atPath: "\(directory)/data", withIntermediateDirectories: true)
        try Self.configuration(directory: directory, port: port, binaries: binaries)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let shipped = "\(binaries)/etc/crowdsec"
        try FileManager.default.copyItem(atPath: "\(shipped)/profiles.yaml", toPath: "\(directory)/profiles.yaml")
        try FileManager.default.copyItem(atPath: "\(shipped)/simulation.yaml", toPath: "\(directory)/simulation.yaml")
        _ = FileManager.default.createFile(atPath: "\(directory)/local_api_credentials.yaml", contents: Data())
        _ = try await cscli(["bouncers", "add", "kktest", "-k", Self.bouncerKey])
        _ = try await cscli(["machines", "add", Self.machineID, "-p", Self.machinePassword, "--force",
                             "-f", "\(directory)/local_api_credentials.yaml"])
    }

    /// Starts the LAPI and waits (at most 20 s) until it accepts connections.
    func start() async throws {
        let logPath = "\(directory)/lapi.log"
        let arguments = ["\(binaries)/usr/bin/crowdsec", "-c", configPath, "-no-cs", "-no-capi"]
        let child = try await inNamespace { try BackgroundProcess.spawn(arguments, log: logPath) }
        var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
        process.set(child)
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let port = self.port
            if try await inNamespace({ Self.accepts(port: port) }) { return }
            guard child.isRunning else { throw LAPIFailure("crowdsec exited at start:\n\(log)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw LAPIFailure("crowdsec did not listen on 127.0.0.1:\(port) within 20 s:\n\(log)")
    }

    func stop() {
        process.get()?.stop()
        process.set(nil)
    }

    /// Stops the LAPI and removes its directory.
    func tearDown() {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `cscli -c CONFIG ARGS` off the cooperative pool; throws with its output when it fails.
    @discardableResult
    func cscli(_ arguments: [String]) async throws -> String {
        let command = ["\(binaries)/usr/bin/cscli", "-c", configPath] + arguments
        var outcome = try await inNamespace { try ChildProcess(command).run() }
        // CrowdSec 1.4.6's SQLite store answers "database is locked" when a write (our watcher's alert push)
        // runs at the same moment; cscli does not retry, so the test does, a few times.
        for _ in 0..<5 where outcome.status != 0 && outcome.standardError.contains("database is locked") {
            try await Task.sleep(for: .milliseconds(200))
            outcome = try await inNamespace { try ChildProcess(command).run() }
        }
        guard outcome.status == 0 else {
            throw LAPIFailure("cscli \(arguments.joined(separator: " ")) exited \(outcome.status): \(outcome.standardError)")
        }
        return outcome.standardOutput
    }

    /// The values of `cscli decisions list -o json` (what an operator sees, without `--all`).
    func listedDecisionValues() async throws -> [String] {
        let output = try await cscli(["decisions", "list", "-o", "json"])
        // No decisions print `null`.
        guard let data = output.data(using: .utf8),
              let alerts = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed) as? [[String: Any]]
        else { return [] }
        return alerts.flatMap { ($0["decisions"] as? [[String: Any]] ?? []).compactMap { $0["value"] as? String } }
    }

    /// The ids of the active decisions for `value`, with their duration text.
    func decisionIDs(value: String) async throws -> [(id: Int, duration: String)] {
        let output = try await cscli(["decisions", "list", "-o", "json", "-v", value])
        guard let data = output.data(using: .utf8),
              let alerts = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed) as? [[String: Any]]
        else { return [] }
        return alerts.flatMap { ($0["decisions"] as? [[String: Any]] ?? []) }
            .compactMap { decision in
                guard let id = decision["id"] as? Int, let duration = decision["duration"] as? String else { return nil }
                return (id, duration)
            }
    }

    /// Runs blocking work in the namespace's thread, or off the cooperative pool without one.
    private func inNamespace<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        if let namespace { return try await namespace.run(work) }
        return try await Self.offPool(work)
    }

    private static func install() async throws -> String {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/crowdsec-lapi.sh").path
        let outcome = try await offPool { try ChildProcess([script, "install"]).run() }
        guard outcome.status == 0 else {
            throw LAPIFailure("scripts/crowdsec-lapi.sh install failed (\(outcome.status)): \(outcome.standardError)")
        }
        return outcome.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func configuration(directory: String, port: Int, binaries: String) -> String {
        """
        common:
          daemonize: false
          log_media: stdout
          log_level: info
          working_dir: .
        config_paths:
          config_dir: \(directory)/
          data_dir: \(directory)/data/
          simulation_path: \(directory)/simulation.yaml
          hub_dir: \(directory)/hub/
          index_path: \(directory)/hub/.index.json
          notification_dir: \(directory)/notifications/
          plugin_dir: \(binaries)/usr/lib/crowdsec/plugins/
        crowdsec_service:
          acquisition_path: \(directory)/acquis.yaml
        cscli:
          output: human
        db_config:
          log_level: info
          type: sqlite
          use_wal: true
          db_path: \(directory)/data/crowdsec.db
        api:
          client:
            credentials_path: \(directory)/local_api_credentials.yaml
          server:
            log_level: info
            listen_uri: 127.0.0.1:\(port)
            profiles_path: \(directory)/profiles.yaml
            trusted_ips:
              - 127.0.0.1
        prometheus:
          enabled: false

        """
    }

    /// A port nothing listens on right now (bound to port 0, read back, closed).
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw LAPIFailure("socket: errno \(errno)") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        guard bound == 0 else { throw LAPIFailure("bind: errno \(errno)") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func accepts(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// Blocking work (waitpid) on its own thread, so the services under test keep the cooperative pool.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }
}
