import ArgumentParser
import KobraKaiFirewall

extension KKSet {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every ban with its timeout, remaining time and comment.",
            discussion: """
                Prints a table by default. With --json, prints one JSON array of objects with the keys \
                `address` (host or CIDR prefix), `timeout` and `expires` (seconds, or null for a permanent \
                entry) and `comment` (string or null).
                """
        )

        @Flag(help: "Print one JSON array instead of a table.")
        var json = false

        func run() async throws {
            let entries = try await FirewallSession.run { firewall throws(FirewallError) in try await firewall.list() }
            print(json ? try EntryFormatter.json(entries) : EntryFormatter.table(entries))
        }
    }
}
