import ArgumentParser
import KobraKaiAddress
import KobraKaiFirewall

extension KKSet {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ban addresses or prefixes.",
            discussion: """
                Hosts go to ban_v4/ban_v6, prefixes (e.g. 198.51.100.0/24) to ban_net_v4/ban_net_v6. Each \
                ban expires on its own after --timeout. Banning an address that is already banned restarts \
                its timeout. The comment is stored with the element and shown by `kkset list` and \
                `nft list set`.

                An address or prefix that overlaps the allowlist (kkset allow list) is refused, and nothing \
                is added, unless --force is given.
                """
        )

        @Argument(help: "The addresses or CIDR prefixes to ban.")
        var addresses: [String]

        @Option(help: "How long the ban lasts, e.g. 90s, 15m, 1h, 7d, 1h30m.")
        var timeout = DurationArgument(duration: .seconds(3600))

        @Option(help: "Why the address is banned (at most 127 bytes).")
        var comment: String?

        @Flag(help: "Ban even addresses that overlap the allowlist.")
        var force = false

        func run() async throws {
            let targets = try Targets.parse(addresses)
            let requests = targets.map { BanRequest(target: $0, timeout: timeout.duration, comment: comment) }
            let (allowed, rejected) = try await FirewallSession.run { firewall throws(FirewallError) in
                var allowed: [(IPPrefix, String)] = []
                if !force {
                    for target in targets {
                        for entry in try await firewall.allowEntries(overlapping: target) {
                            allowed.append((target, entry.target.description))
                        }
                    }
                    if !allowed.isEmpty { return (allowed, [RejectedBan]()) }
                }
                return (allowed, try await firewall.ban(requests))
            }
            for (target, entry) in allowed {
                Failure.report("\(target) overlaps allowlist entry \(entry); nothing added (use --force to ban anyway)")
            }
            for rejection in rejected {
                Failure.report("\(rejection.request.target) not banned: \(rejection.error.message)")
            }
            if !allowed.isEmpty || !rejected.isEmpty { throw ExitCode(Failure.badData) }
            print("banned \(requests.count) for \(DurationText.format(timeout.duration))")
        }
    }
}
