import ArgumentParser
import KobraKaiDaemon

extension KobraKai {
    struct TestIP: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test-ip",
            abstract: "Is this address banned (until when, why), allowlisted, and what was seen from it? (alias: --test-ip)",
            discussion: "Exits 0 when the address is banned, 1 when it is not.")

        @OptionGroup var connection: ControlConnectionOptions

        @Flag(help: "Print the daemon's answer as JSON.")
        var json = false

        @Argument(help: "Address (or prefix).")
        var address: String

        func run() throws { try Self.show(address, connection: connection, json: json) }

        static func show(_ address: String, connection: ControlConnectionOptions, json: Bool) throws {
            let target = try ControlSession.validatedTarget(address)
            let answer = try ControlSession.send(ControlRequest(command: .testIP, address: target), connection: connection)
            let banned = answer["banned"] ?? .null
            if json {
                print(answer.jsonText)
            } else {
                if banned.isNull {
                    print("\(target): not banned")
                } else {
                    let reason = answer["ban_record"]?["reason"]?.string ?? banned["comment"]?.string ?? ""
                    print("\(target): banned as \(banned["target"]?.string ?? target), expires in \(ControlValue.durationText(milliseconds: banned["expires_in_ms"]?.int)): \(reason)")
                }
                print("  allowlisted: \(answer["allowlisted_by"]?.string.map { "yes, by \($0)" } ?? "no")")
                print("  offences: \(answer["offences"]?.int ?? 0)")
                let events = answer["recent_events"]?.array ?? []
                print("  recent events: \(events.count)")
                for event in events {
                    print("    \(event["rule"]?.string ?? "?") (\(event["severity"]?.string ?? "?"), \(event["origin"]?.string ?? "?"))")
                }
            }
            if banned.isNull { throw ExitCode(1) }
        }
    }
}
