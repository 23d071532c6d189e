import ArgumentParser
import KobraKaiFirewall

extension KKSet {
    struct Del: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove bans.",
            discussion: """
                Removes exactly the given hosts or prefixes from the ban sets. Entries that are not banned \
                are ignored, so the command can be repeated safely. A host inside a banned prefix stays \
                blocked until the prefix itself is removed.
                """
        )

        @Argument(help: "The addresses or CIDR prefixes to unban.")
        var addresses: [String]

        func run() async throws {
            let targets = try Targets.parse(addresses)
            try await FirewallSession.run { firewall throws(FirewallError) in try await firewall.unban(targets) }
            print("removed \(targets.count)")
        }
    }
}
