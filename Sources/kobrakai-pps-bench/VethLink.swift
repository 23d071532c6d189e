import Foundation
import KobraKaiNetfilter
import KobraKaiNetfilterTestSupport

/// Two private network namespaces joined by a veth pair: the receiver (192.0.2.2, where the firewall
/// lives, as on a PBX) and the sender (192.0.2.1). Both belong to dedicated threads, so namespaces, veth
/// pair and addresses vanish with the process; the host's interfaces and ruleset are never touched.
struct VethLink: Sendable {
    static let receiverAddress = "192.0.2.2"
    static let senderAddress = "192.0.2.1"

    let receiver: NetworkNamespaceThread
    let sender: NetworkNamespaceThread

    init() async throws {
        receiver = try NetworkNamespaceThread()
        sender = try NetworkNamespaceThread()
        // `ip link ... netns ID` takes a process id; a thread id names that thread's namespace as well.
        let senderThread = try await sender.run {
            try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")
                .split(separator: "/").last.map(String.init) ?? ""
        }
        guard !senderThread.isEmpty else { throw PacketBenchError("cannot name the sender's thread") }
        try await Self.ip(in: receiver, [
            ["link", "add", "kk-recv", "type", "veth", "peer", "name", "kk-send", "netns", senderThread],
            ["addr", "add", "\(Self.receiverAddress)/24", "dev", "kk-recv"],
            ["link", "set", "kk-recv", "up"],
            ["link", "set", "lo", "up"],
        ])
        try await Self.ip(in: sender, [
            ["addr", "add", "\(Self.senderAddress)/24", "dev", "kk-send"],
            ["link", "set", "kk-send", "up"],
            ["link", "set", "lo", "up"],
        ])
    }

    /// Runs a program inside `namespace`; throws with its error output when it fails.
    @discardableResult
    static func run(in namespace: NetworkNamespaceThread, _ arguments: [String], input: String? = nil) async throws -> String {
        let outcome = try await namespace.run { try ChildProcess(arguments, standardInput: input).run() }
        guard outcome.status == 0 else {
            throw PacketBenchError("\(arguments.prefix(4).joined(separator: " ")) exited \(outcome.status): \(outcome.standardError)")
        }
        return outcome.standardOutput
    }

    private static func ip(in namespace: NetworkNamespaceThread, _ commands: [[String]]) async throws {
        for command in commands { try await run(in: namespace, ["ip"] + command) }
    }
}
