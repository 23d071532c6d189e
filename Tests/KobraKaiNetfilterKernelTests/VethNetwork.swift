import Foundation
import KobraKaiNetfilter
import KobraKaiNetfilterTestSupport
import Testing

/// Two private network namespaces joined by a veth pair, for proving that bans drop real packets:
/// the receiver (192.0.2.2, where the ruleset and firewall live) and an attacker (192.0.2.1 and 192.0.2.3,
/// documentation range). Both namespaces belong to dedicated threads, so they, the veth pair and the
/// addresses disappear with those threads, also when a test fails; the host's interfaces and ruleset are
/// never touched.
struct VethNetwork {
    static let receiverAddress = "192.0.2.2"
    static let attackerAddress = "192.0.2.1"
    static let allowlistedAddress = "192.0.2.3"

    let attacker: NetworkNamespaceThread

    /// Creates the attacker namespace and wires it to `receiver`'s namespace.
    init(receiver: NetworkNamespaceThread) async throws {
        attacker = try NetworkNamespaceThread()
        // `ip link ... netns ID` takes a process id; a thread id names that thread's namespace just as well.
        let attackerThread = try await attacker.run {
            try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")
                .split(separator: "/").last.map(String.init) ?? ""
        }
        try #require(!attackerThread.isEmpty)
        try await Self.ip(in: receiver, [
            ["link", "add", "kk-recv", "type", "veth", "peer", "name", "kk-attack", "netns", attackerThread],
            ["addr", "add", "\(Self.receiverAddress)/24", "dev", "kk-recv"],
            ["link", "set", "kk-recv", "up"],
            ["link", "set", "lo", "up"],
        ])
        try await Self.ip(in: attacker, [
            ["addr", "add", "\(Self.attackerAddress)/24", "dev", "kk-attack"],
            ["addr", "add", "\(Self.allowlistedAddress)/24", "dev", "kk-attack"],
            ["link", "set", "kk-attack", "up"],
            ["link", "set", "lo", "up"],
        ])
    }

    private static func ip(in namespace: NetworkNamespaceThread, _ commands: [[String]]) async throws {
        for command in commands {
            let outcome = try await namespace.run { try ChildProcess(["ip"] + command).run() }
            try #require(outcome.status == 0, "ip \(command.joined(separator: " ")): \(outcome.standardError)")
        }
    }
}
