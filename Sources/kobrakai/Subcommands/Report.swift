#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import KobraKaiCore
import KobraKaiDaemon
import KobraKaiFirewall

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension KobraKai {
    /// Reads the state database (read-only, with or without the daemon) and prints who attacked and what was banned.
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Summarise recent attacks and bans from the state database (works with the daemon stopped).",
            discussion: """
                Shows the top attacking addresses and /24 or /64 prefixes, the most targeted accounts, the top \
                rules, bans by reason and by origin, and events per hour (per day beyond 3 days) as a text chart. \
                Times are UTC. History is kept for history.retention (default 30d). Exit codes: 66 no state \
                database, 77 not readable, 65 not a KobraKai state database, 78 bad --config.
                """)

        @Option(help: "How far back to look: 90m, 24h, 7d.")
        var since = "24h"

        @Flag(help: "Print one JSON object instead of text.")
        var json = false

        @Option(help: "State database file or directory (default: state_directory from --config, else /var/lib/kobrakai).")
        var state: String?

        @Option(help: "Configuration file whose state_directory to read.")
        var config: String?

        @Option(help: "Rows per ranking.")
        var top = 10

        func validate() throws {
            guard let window = DurationText.parse(since), window > .zero else {
                throw ValidationError("invalid --since '\(since)': use e.g. 90m, 24h, 7d")
            }
            guard (1...1000).contains(top) else { throw ValidationError("--top must be between 1 and 1000") }
        }

        func run() throws {
            let path = try databasePath()
            let window = DurationText.parse(since) ?? .seconds(86_400)
            let report: StateReport
            do {
                report = try StateReportReader.read(databasePath: path, since: window, top: top, now: .wallClock())
            } catch {
                writeStandardError("kobrakai: \(error.message)\n")
                throw ExitCode(error.exitCode)
            }
            if json {
                print(StateReportJSONRenderer.render(report), terminator: "")
            } else {
                let terminal = isatty(STDOUT_FILENO) == 1 && getenv("NO_COLOR") == nil
                print(StateReportTextRenderer(emphasis: terminal).render(report), terminator: "")
            }
        }

        private func databasePath() throws -> String {
            var directoryOrFile = state ?? StateStore.defaultDirectory
            if state == nil, let config {
                guard let data = FileManager.default.contents(atPath: config) else {
                    writeStandardError("kobrakai: cannot read configuration file \(config)\n")
                    throw ExitCode(78)
                }
                do {
                    directoryOrFile = try Configuration.load(from: Array(data)).stateDirectory
                } catch {
                    writeStandardError("kobrakai: \(config): \(error)\n")
                    throw ExitCode(78)
                }
            }
            var information = stat()
            if stat(directoryOrFile, &information) == 0, information.st_mode & S_IFMT == S_IFDIR {
                return directoryOrFile + "/" + StateStore.fileName
            }
            return directoryOrFile
        }
    }
}
