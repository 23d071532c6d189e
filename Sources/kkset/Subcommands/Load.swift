import ArgumentParser
import Foundation
import KobraKaiAddress
import KobraKaiFirewall

extension KKSet {
    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ban every address or prefix listed in a file.",
            discussion: """
                Reads one address or CIDR prefix per line from FILE, or from standard input when FILE is \
                `-`. Text after `#` is a comment; blank lines are skipped. All valid entries are banned in \
                a few large netlink transactions (100 000 entries take well under a second).

                Prints how many were banned, then every rejected line with its number and the reason \
                (unparseable, overlapping the allowlist, refused by the kernel). Exits 65 when any line \
                was rejected; the valid lines are banned regardless.
                """
        )

        @Argument(help: "The file to read, or - for standard input.")
        var file: String

        @Option(help: "How long each ban lasts, e.g. 90s, 15m, 1h, 7d.")
        var timeout = DurationArgument(duration: .seconds(3600))

        @Option(help: "A comment stored with every entry.")
        var comment: String?

        @Flag(help: "Ban even entries that overlap the allowlist.")
        var force = false

        func run() async throws {
            let text = try readInput()
            let parsed = BanListParser.parse(text)
            var rejectedLines = parsed.rejected
            let requests = parsed.entries.map { BanRequest(target: $0.target, timeout: timeout.duration, comment: comment) }
            let lineOfTarget = Dictionary(parsed.entries.map { ($0.target, $0.line) }, uniquingKeysWith: { first, _ in first })
            let refused = try await FirewallSession.run { firewall throws(FirewallError) in
                var refused: [(IPPrefix, String)] = []
                var accepted = requests
                if !force {
                    let allowlist = try await firewall.allowlist()
                    accepted = requests.filter { request in
                        guard let entry = allowlist.first(where: {
                            $0.target.contains(request.target) || request.target.contains($0.target)
                        }) else { return true }
                        refused.append((request.target, "\(request.target) overlaps allowlist entry \(entry.target)"))
                        return false
                    }
                }
                for rejection in try await firewall.ban(accepted) {
                    refused.append((rejection.request.target, rejection.error.message))
                }
                return refused
            }
            for (target, reason) in refused {
                rejectedLines.append(.init(line: lineOfTarget[target] ?? 0, reason: reason))
            }
            print("banned \(requests.count - refused.count) for \(DurationText.format(timeout.duration)), "
                  + "rejected \(rejectedLines.count) line(s)")
            for rejection in rejectedLines.sorted(by: { $0.line < $1.line }) {
                Failure.report("line \(rejection.line): \(rejection.reason)")
            }
            if !rejectedLines.isEmpty { throw ExitCode(Failure.badData) }
        }

        private func readInput() throws -> String {
            if file == "-" {
                let data = FileHandle.standardInput.readDataToEndOfFile()
                return String(decoding: data, as: UTF8.self)
            }
            do {
                return try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                Failure.report("cannot read \(file): \(error.localizedDescription)")
                throw ExitCode(66)  // EX_NOINPUT
            }
        }
    }
}
