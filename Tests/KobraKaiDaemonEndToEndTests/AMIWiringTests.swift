import Foundation
import KobraKaiDaemon
import KobraKaiDaemonTestSupport
import Testing

@Suite("kobrakai run: AMI security events drive bans", .serialized)
struct AMIWiringTests {
    /// Sends the event every 200 ms (it only reaches logged-in sessions) until the address is banned.
    static func attackUntilBanned(_ peer: ScriptedAMIPeer, _ harness: DaemonHarness, address: String) async throws -> Bool {
        try await harness.waitUntil(timeout: .seconds(20)) {
            if try await harness.lookup(address) != nil { return true }
            peer.send(AsteriskSecurityEvent(name: "FailedACL", accountID: "100", remoteAddress: "IPV4/UDP/\(address)/5060"))
            try await Task.sleep(for: .milliseconds(200))
            return false
        }
    }

    @Test("A scripted Asterisk manager's FailedACL event bans through the daemon; after the manager drops the session the client reconnects and bans again")
    func amiEventsBan() async throws {
        let harness = try await DaemonHarness()
        let peer = try await harness.namespace.run {
            try ScriptedAMIPeer(behaviour: ScriptedAMIPeer.Behaviour(username: "kobrakai", secret: "s3cret"))
        }
        try harness.enableAMI(port: peer.port, username: "kobrakai", secret: "s3cret")
        let daemon = try await harness.start()

        #expect(try await Self.attackUntilBanned(peer, harness, address: "203.0.113.90"), "\(harness.daemonOutput)")
        let entry = try #require(try await harness.lookup("203.0.113.90"))
        #expect(entry.comment?.hasPrefix("security.failed-acl") == true)
        let status = try await harness.status()
        #expect(status["ami"]?["state"] != nil, "\(status)")

        peer.disconnectAll()
        #expect(try await Self.attackUntilBanned(peer, harness, address: "203.0.113.91"), "\(harness.daemonOutput)")
        #expect(try await harness.stop(daemon) == 0)
        await peer.shutdown()
    }
}
