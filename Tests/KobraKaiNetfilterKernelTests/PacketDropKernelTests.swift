import Foundation
import KobraKaiAddress
import KobraKaiFirewall
import KobraKaiNetfilter
import Testing

@Suite("Bans drop real packets between two network namespaces")
struct PacketDropKernelTests {
    /// SIP's port, on a socket in the receiver namespace.
    static let port: UInt16 = 5060

    @Test("UDP to 5060 arrives, is dropped while banned (unless allowlisted), and arrives again after expiry")
    func banDropsUntilExpiry() async throws {
        let receiver = try await KernelFixture()
        let network = try await VethNetwork(receiver: receiver.namespace)
        let listener = try await receiver.namespace.run { try UDPSocket(binding: "0.0.0.0", port: Self.port) }
        let attacker = try await network.attacker.run { try UDPSocket(binding: VethNetwork.attackerAddress) }
        let trusted = try await network.attacker.run { try UDPSocket(binding: VethNetwork.allowlistedAddress) }
        var probe = 0

        /// Sends one datagram and reports whether the listener got it within `limit`.
        func arrives(from sender: UDPSocket, within limit: Duration) async throws -> Bool {
            probe += 1
            let text = "OPTIONS probe \(probe)"
            try sender.send(text, to: VethNetwork.receiverAddress, port: Self.port)
            return try await receiver.namespace.run { listener.receive(text, within: limit) }
        }

        // Before any ban (the first datagram also waits for ARP).
        #expect(try await arrives(from: attacker, within: .seconds(2)))
        #expect(try await arrives(from: trusted, within: .seconds(2)))

        // The ban lasts long enough that a loaded 2-core CI machine still checks the drop before expiry;
        // the assertion below says so if it did not.
        let banTime = ContinuousClock.now
        #expect(try await receiver.firewall.allow([IPPrefix(VethNetwork.allowlistedAddress)!], comment: "trunk")
            .isEmpty)
        #expect(try await receiver.firewall.ban([
            BanRequest(target: IPPrefix(VethNetwork.attackerAddress)!, timeout: .seconds(5), comment: "test"),
            BanRequest(target: IPPrefix(VethNetwork.allowlistedAddress)!, timeout: .seconds(5)),
        ]).isEmpty)
        #expect(try await !arrives(from: attacker, within: .milliseconds(300)))
        #expect(try await arrives(from: trusted, within: .seconds(1)), "allowlisted sources pass even when banned")
        #expect(ContinuousClock.now - banTime < .milliseconds(4800), "the drop was checked before expiry")

        // The kernel expires the ban on its own.
        while try await receiver.firewall.lookup(.v4(IPv4Address(VethNetwork.attackerAddress)!)) != nil {
            try #require(ContinuousClock.now - banTime < .seconds(20), "the ban never expired")
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try await arrives(from: attacker, within: .seconds(1)))

        // A prefix ban (interval set) drops too, and unban lets traffic through at once.
        let network24 = IPPrefix("192.0.2.0/24")!
        #expect(try await receiver.firewall.ban([BanRequest(target: network24, timeout: .seconds(60))]).isEmpty)
        #expect(try await !arrives(from: attacker, within: .milliseconds(300)))
        #expect(try await arrives(from: trusted, within: .seconds(1)))
        try await receiver.firewall.unban([network24])
        #expect(try await arrives(from: attacker, within: .seconds(1)))
    }
}
