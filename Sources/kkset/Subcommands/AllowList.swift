import ArgumentParser
import KobraKaiFirewall

extension KKSet.Allow {
    struct AllowList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the allowlist.",
            discussion: "With --json, prints one JSON array of objects with the keys `address` and `comment`."
        )

        @Flag(help: "Print one JSON array instead of a table.")
        var json = false

        func run() async throws {
            let entries = try await FirewallSession.run { firewall throws(FirewallError) in
                try await firewall.allowlist()
            }
            print(json ? try EntryFormatter.json(entries) : EntryFormatter.table(entries))
        }
    }
}
