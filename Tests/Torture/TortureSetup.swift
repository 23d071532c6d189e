import Foundation
import Glibc
import KobraKaiNetfilter
import KobraKaiNetfilterTestSupport

/// The private network namespace (the whole harness runs in it), nft/kobrakai.nft loaded there, and a
/// temporary directory with the daemon's configuration, log and state.
struct TortureSetup: Sendable {
    static let namespaceMarker = "KOBRAKAI_TORTURE_IN_NETNS"
    let directory: String
    let binary: String
    var logPath: String { directory + "/full" }
    var statePath: String { directory + "/state" }
    var socketPath: String { directory + "/control.sock" }
    var configPath: String { directory + "/kobrakai.json" }
    var errorLog: String { directory + "/daemon.err" }

    /// Re-executes this program under `unshare --net` unless it already runs in its own namespace, so
    /// that every thread, the AMI peer's sockets and every spawned `nft` see only the private ruleset.
    static func enterPrivateNamespace() throws {
        guard ProcessInfo.processInfo.environment[namespaceMarker] == nil else {
            // Refuse to go on in the host's namespace: the run flushes the ruleset every few seconds.
            let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net")) ?? "?"
            let host = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/1/ns/net")) ?? "?"
            guard own != host, own != "?" else { throw TortureError("not in a private network namespace (\(own)); refusing to run") }
            return
        }
        guard geteuid() == 0 else { throw TortureError("run as root: the torture run creates a private network namespace (unshare --net)") }
        setenv(namespaceMarker, "1", 1)
        let arguments = ["unshare", "--net", "--", CommandLine.arguments[0]] + CommandLine.arguments.dropFirst()
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        execvp("unshare", &argv)
        throw TortureError("exec unshare: errno \(errno)")
    }

    /// Loads nft/kobrakai.nft, brings `lo` up (the AMI peer listens on it) and adds the host's own address.
    static func prepareNamespace() throws {
        let ruleset = FileManager.default.currentDirectoryPath + "/nft/kobrakai.nft"
        for command in [["nft", "-f", ruleset], ["ip", "link", "set", "lo", "up"],
                        ["ip", "addr", "add", AddressPlan.ownAddress.description + "/32", "dev", "lo"]] {
            let outcome = try ChildProcess(command).run()
            guard outcome.status == 0 else { throw TortureError("\(command.joined(separator: " ")): \(outcome.standardError)") }
        }
    }

    static func make(settings: TortureSettings, amiPort: UInt16) throws -> TortureSetup {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let binary = executable.appendingPathComponent("kobrakai").path
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw TortureError("\(binary) missing: swift build -c release --product kobrakai") }
        let directory = "/tmp/kk-torture-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let setup = TortureSetup(directory: directory, binary: binary)
        let threshold = settings.sabotage == .highThreshold ? 1000 : 5
        // The daemon's default caps unless TORTURE_LIMITS gives a policy.limits object (sizing experiments).
        let limits = ProcessInfo.processInfo.environment["TORTURE_LIMITS"].map { ", \"limits\": \($0)" } ?? ""
        let configuration = """
            {
              "ami": { "enabled": true, "host": "127.0.0.1", "port": \(amiPort), "username": "\(AMIAttackDriver.username)",
                       "secret": "\(AMIAttackDriver.secret)", "reconnect_delay": "200ms", "reconnect_delay_max": "2s" },
              "log_sources": [ { "path": "\(setup.logPath)", "format": "asterisk", "start_at": "end" } ],
              "policy": { "threshold": \(threshold), "window": "60s", "ban_time": { "base": "2h", "factor": 2, "max": "1d" }\(limits) },
              "allowlist": { "cidrs": ["\(AddressPlan.lanRange)"] },
              "state_directory": "\(setup.statePath)",
              "control_socket": "\(setup.socketPath)"
            }
            """
        try configuration.write(toFile: setup.configPath, atomically: true, encoding: .utf8)
        try "".write(toFile: setup.logPath, atomically: true, encoding: .utf8)
        return setup
    }

    func nft(_ arguments: [String]) throws -> Int32 {
        try ChildProcess(["nft"] + arguments).run().status
    }
}
