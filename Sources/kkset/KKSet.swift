import ArgumentParser

/// `kkset`: manage KobraKai's nftables ban and allow sets directly in the kernel, daemon or not.
@main
struct KKSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kkset",
        abstract: "Manage KobraKai's nftables ban and allow sets.",
        discussion: """
            kkset talks to the kernel over netlink, so it works whether or not the kobrakai daemon is \
            running. The sets live in `table inet kobrakai`, defined by nft/kobrakai.nft (installed as \
            /etc/nftables.d/kobrakai.nft); load it first with `nft -f`. Needs CAP_NET_ADMIN (run as root).

            Exit status: 0 success, 1 `test` found no ban, 64 usage error, 65 bad address or refused \
            entry, 69 table or set missing, 70 internal error, 75 outcome unknown (retry), 77 permission \
            denied.
            """,
        subcommands: [Add.self, Del.self, Flush.self, Test.self, List.self, Allow.self, Load.self]
    )
}
