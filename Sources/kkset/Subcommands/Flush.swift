import ArgumentParser
import KobraKaiFirewall

extension KKSet {
    struct Flush: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove every ban.",
            discussion: """
                Empties ban_v4, ban_v6, ban_net_v4 and ban_net_v6 in one transaction. The allowlist is left \
                alone (use `kkset allow del` for it).
                """
        )

        func run() async throws {
            try await FirewallSession.run { firewall throws(FirewallError) in try await firewall.flush() }
            print("flushed")
        }
    }
}
