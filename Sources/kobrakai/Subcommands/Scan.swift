#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import ArgumentParser
import KobraKaiCore

extension KobraKai {
    /// The offline counterpart of fail2ban-regex: parse logs, print what would count, touch nothing.
    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scan log files for attacks and print the detected events; no root, no firewall.",
            discussion: """
                Reads Asterisk (file, plain, syslog, journald, json formatters), Kamailio, OpenSIPS and FreeSWITCH \
                logs, streaming. Without --json prints a report; with --json prints one JSON object per event \
                (file, line, time, ip, rule, severity, service, account) and the summary on stderr.
                With --config, the configuration's <HOST> patterns are tried on lines no built-in rule matches \
                (rule custom:<name>), its allowlist (inline and files) applies to --decisions, and a file named \
                in log_sources is read in that source's format.
                With --decisions, the events go through the ban policy in file order, on the log's own clock \
                (an undated line takes the time of the latest dated event before it), and the bans it would \
                issue are printed: as JSON lines {"ban","duration","reason","time"} among the events with \
                --json, or in the report. Several files are one stream in the order given: name rotated \
                files oldest first.
                Year-less dates are read in the local time zone and the current year.
                """)

        @Option(
            name: .long,
            help: "JSON configuration (patterns, allowlist, policy, log source formats); errors exit 78.")
        var config: String?

        @Flag(name: .long, help: "Print one JSON object per detected event.")
        var json = false

        @Flag(name: .long, help: "Also print the bans the policy would issue, driven by the log's timestamps.")
        var decisions = false

        @Option(
            name: .long,
            help: """
                Only read lines in this program's format (repeatable; default: the configured log source's \
                format for a file named in --config, else detect asterisk, kamailio, opensips and freeswitch \
                lines). Restricting it means a line shaped like another program's format is never counted.
                """)
        var source: [SourceFormat] = []

        @Option(name: .long, help: "How many top addresses the report lists.")
        var top = 20

        @Option(
            name: .long, help: ArgumentHelp("Parser threads (default: one per online processor).", visibility: .hidden))
        var threads: Int?

        @Argument(help: "Log files to scan; '-' reads standard input.")
        var files: [String] = []

        func validate() throws {
            if files.isEmpty { throw ValidationError("name at least one log file, or '-' for standard input") }
            if files.filter({ $0 == "-" }).count > 1 {
                throw ValidationError("standard input ('-') can be read only once")
            }
            if let threads, !(1...64).contains(threads) { throw ValidationError("--threads must be between 1 and 64") }
        }

        func run() throws {
            // Without --config: the defaults, as an empty configuration file would give.
            var setup = ScanSetup()
            var replay: DecisionReplay?
            do {
                if let config { setup = try ScanSetup(configurationPath: config) }
                if decisions { replay = DecisionReplay(policy: try setup.makePolicy()) }
            } catch {
                writeStandardError("kobrakai scan: \(error.message)\n")
                throw ExitCode(error.exitCode)
            }
            for warning in setup.warnings { writeStandardError("kobrakai scan: \(warning)\n") }
            let context = LocalTime.currentContext()
            let customRules = setup.configuration.customRuleMatcher
            var summary = ScanSummary()
            var output = OutputBuffer(descriptor: 1)
            var failure: Int32?
            for path in files {
                let sources = source.isEmpty ? setup.sources(forPath: path) : LogSources(source.map(\.sources))
                var scanner = LogFileScanner(context: context, sources: sources, customRules: customRules)
                if let threads { scanner.parts = threads }
                let writer = EventJSONWriter(file: path)
                do {
                    try scanner.scan(path: path, summary: &summary) { event in
                        if json { writer.append(event, to: &output) }
                        // Right after the event that caused them; without --json they go to the report.
                        for decision in replay?.observe(event) ?? [] where json {
                            output.append(DecisionReplay.jsonLine(decision))
                        }
                    }
                } catch {
                    output.flush()
                    switch error {
                    case .cannotOpen(let path, let code):
                        writeStandardError("kobrakai scan: cannot open \(path): \(String(cString: strerror(code)))\n")
                        failure = code == EACCES ? 77 : 66
                    case .readFailed(let path, let code):
                        writeStandardError("kobrakai scan: error reading \(path): \(String(cString: strerror(code)))\n")
                        failure = 74
                    }
                }
            }
            output.flush()
            if json {
                writeStandardError(summary.report(topAddresses: 0) + (replay?.report(listing: false) ?? ""))
            } else {
                print(summary.report(topAddresses: top) + (replay?.report(listing: true) ?? ""), terminator: "")
            }
            if let failure { throw ExitCode(failure) }
        }
    }
}

func writeStandardError(_ text: String) {
    var buffer = OutputBuffer(descriptor: 2, capacity: 1 << 16)
    buffer.append(text)
    buffer.flush()
}
