import ArgumentParser
import KobraKaiFirewall

extension KKSet.Allow {
    struct AllowAdd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add addresses or prefixes to the allowlist.",
            discussion: """
                Entries do not expire. An entry that overlaps one already in the allowlist is refused (the \
                sets do not auto-merge, so that each entry keeps its comment); remove or widen the existing \
                entry instead.
                """
        )

        @Argument(help: "The addresses or CIDR prefixes to allow.")
        var addresses: [String]

        @Option(help: "Why the entry is allowed (at most 127 bytes).")
        var comment: String?

        func run() async throws {
            let targets = try Targets.parse(addresses)
            let rejected = try await FirewallSession.run { firewall throws(FirewallError) in
                try await firewall.allow(targets, comment: comment)
            }
            for rejection in rejected {
                Failure.report("\(rejection.target) not allowed: \(rejection.error.message)")
            }
            if !rejected.isEmpty { throw ExitCode(Failure.badData) }
            print("allowed \(targets.count)")
        }
    }
}
