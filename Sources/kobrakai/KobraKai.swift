import ArgumentParser

/// The `kobrakai` command: offline log scanning and the rule catalogue today; the daemon's `run` later.
@main
struct KobraKai: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kobrakai",
        abstract: "VoIP intrusion prevention for Asterisk, FreePBX, Kamailio, OpenSIPS and FreeSWITCH.",
        subcommands: [Scan.self, Rules.self]
    )
}
