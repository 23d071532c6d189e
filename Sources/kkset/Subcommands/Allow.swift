import ArgumentParser

extension KKSet {
    struct Allow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage the allowlist (never banned, never dropped).",
            discussion: """
                The allowlist sets allow_v4 and allow_v6 hold your own networks, SIP trunks and monitoring \
                hosts. The ruleset accepts their traffic before looking at any ban, the daemon never bans \
                them, and `kkset add` refuses them without --force.
                """,
            subcommands: [AllowAdd.self, AllowDel.self, AllowList.self]
        )
    }
}
