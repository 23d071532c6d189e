import ArgumentParser
import KobraKaiFirewall

extension KKSet.Allow {
    struct AllowDel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "del",
            abstract: "Remove addresses or prefixes from the allowlist.",
            discussion: "Removes exactly the given entries; entries that are not in the allowlist are ignored."
        )

        @Argument(help: "The allowlist entries to remove.")
        var addresses: [String]

        func run() async throws {
            let targets = try Targets.parse(addresses)
            try await FirewallSession.run { firewall throws(FirewallError) in try await firewall.disallow(targets) }
            print("removed \(targets.count)")
        }
    }
}
