import ArgumentParser

extension KobraKai {
    struct Run: AsyncParsableCommand {
        static let defaultConfiguration = "/etc/kobrakai/kobrakai.json"

        static let configuration = CommandConfiguration(
            abstract: "Run the daemon: follow the logs, ban through nftables, answer on the control socket.",
            discussion: """
                Runs in the foreground (systemd Type=notify); SIGTERM or SIGINT stop it cleanly, SIGHUP reloads \
                the configuration and allowlists. Logs go to stderr, with syslog priorities under journald.
                Exit codes: 78 bad configuration, 77 not permitted (needs CAP_NET_ADMIN), 69 nftables table \
                unusable, 73 state directory unusable.
                """)

        @Option(help: "Configuration file.")
        var config = Run.defaultConfiguration

        @Flag(help: "Decide and log, ban nothing (no kernel changes).")
        var dryRun = false

        @Flag(help: "Log at debug level.")
        var debug = false

        func run() async throws {
            try await DaemonLauncher.launch(configurationPath: config, dryRun: dryRun, debug: debug)
        }
    }
}
