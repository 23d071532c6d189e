import ArgumentParser
import KobraKaiDaemon

extension KobraKai {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the bans in force (from the kernel set) with remaining time and reason.",
            discussion: "--json prints an array of {target, timeout_ms, expires_in_ms, comment}. Alias: --list-blocked.")

        @OptionGroup var connection: ControlConnectionOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws { try Self.show(connection: connection, json: json) }

        static func show(connection: ControlConnectionOptions, json: Bool) throws {
            let bans = try ControlSession.send(ControlRequest(command: .list), connection: connection)
            if json {
                print(bans.jsonText)
                return
            }
            let rows = bans.array.map { ban in
                [ban["target"]?.string ?? "?", ControlValue.durationText(milliseconds: ban["expires_in_ms"]?.int),
                 ControlValue.durationText(milliseconds: ban["timeout_ms"]?.int), ban["comment"]?.string ?? ""]
            }
            let width = max(7, rows.map { $0[0].count }.max() ?? 0)
            func pad(_ text: String, _ count: Int) -> String { text + String(repeating: " ", count: max(1, count - text.count)) }
            print(pad("ADDRESS", width + 2) + pad("EXPIRES", 12) + pad("TIMEOUT", 12) + "REASON")
            for row in rows { print(pad(row[0], width + 2) + pad(row[1], 12) + pad(row[2], 12) + row[3]) }
        }
    }
}
