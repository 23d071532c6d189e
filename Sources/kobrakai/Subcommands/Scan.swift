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
                Year-less dates are read in the local time zone and the current year.
                """)

        @Option(name: .long, help: "Configuration file with operator patterns (not yet available in this build).")
        var config: String?

        @Flag(name: .long, help: "Print one JSON object per detected event.")
        var json = false

        @Flag(
            name: .long, help: "Also print the ban decisions the policy would take (not yet available in this build).")
        var decisions = false

        @Option(
            name: .long,
            help: """
                Only read lines in this program's format (repeatable; default: detect asterisk, kamailio, \
                opensips and freeswitch lines). Restricting it means a line shaped like another program's \
                format is never counted.
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
            if decisions || config != nil {
                let flag = decisions ? "--decisions" : "--config"
                writeStandardError(
                    "kobrakai scan: \(flag) is not yet available in this build (the ban policy and configuration are not part of it)\n"
                )
                throw ExitCode(64)
            }
            let sources = source.isEmpty ? LogSources.all : LogSources(source.map(\.sources))
            var scanner = LogFileScanner(context: LocalTime.currentContext(), sources: sources)
            if let threads { scanner.parts = threads }
            var summary = ScanSummary()
            var output = OutputBuffer(descriptor: 1)
            var failure: Int32?
            for path in files {
                let writer = EventJSONWriter(file: path)
                do {
                    try scanner.scan(path: path, summary: &summary) { event in
                        if json { writer.append(event, to: &output) }
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
                writeStandardError(summary.report(topAddresses: 0))
            } else {
                print(summary.report(topAddresses: top), terminator: "")
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
