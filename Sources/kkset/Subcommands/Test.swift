import ArgumentParser
import KobraKaiFirewall

extension KKSet {
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check whether an address is banned.",
            discussion: """
                Looks for a ban of the host itself, else for a banned prefix containing it, and prints the \
                entry found. Exits 0 when the address is banned and 1 when it is not, for use in scripts: \
                `kkset test 192.0.2.7 && echo banned`.
                """
        )

        @Argument(help: "The address to check.")
        var address: String

        func run() async throws {
            let address = try Targets.parseAddress(address)
            let entry = try await FirewallSession.run { firewall throws(FirewallError) in
                try await firewall.lookup(address)
            }
            guard let entry else {
                print("\(address) is not banned")
                throw ExitCode(1)
            }
            print("\(address) is banned by \(entry.target)")
            print(EntryFormatter.table([entry]))
        }
    }
}
