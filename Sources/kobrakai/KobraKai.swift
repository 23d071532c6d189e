import ArgumentParser

/// The `kobrakai` command: the daemon (`run`), its management commands over the control socket, and the
/// offline tools (`scan`, `rules`). KobraKai v2.3's flags keep working through `LegacyFlags`.
@main
struct KobraKai: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kobrakai",
        abstract: "VoIP intrusion prevention for Asterisk, FreePBX, Kamailio, OpenSIPS and FreeSWITCH.",
        discussion: """
            KobraKai v2.3 flags are accepted as aliases: --test-ip ADDR (= test-ip ADDR), --list-blocked \
            (= list), --unblock ADDR (= unban ADDR); --config FILE and --debug without a subcommand start the \
            daemon (= run). With an alias, --config FILE names the configuration whose control socket to use.
            """,
        subcommands: [Run.self, Status.self, List.self, Ban.self, Unban.self, TestIP.self, Reload.self, Scan.self, Rules.self, Report.self]
    )

    static func main() async {
        await main(LegacyFlags.rewrite(Array(CommandLine.arguments.dropFirst())))
    }
}
