import ArgumentParser
import KobraKaiDaemon

extension KobraKai {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the running daemon's uptime, sources and their health, active and last bans.")

        @OptionGroup var connection: ControlConnectionOptions

        @Flag(help: "Print the daemon's answer as JSON.")
        var json = false

        func run() throws {
            let status = try ControlSession.send(ControlRequest(command: .status), connection: connection)
            if json {
                print(status.jsonText)
                return
            }
            func number(_ key: String) -> Int64 { status[key]?.int ?? 0 }
            print("kobrakai: running for \(ControlValue.durationText(milliseconds: number("uptime_seconds") * 1000)), firewall \(status["firewall"]?.string ?? "?")")
            print("bans active: \(status["bans_active"]?.int.map(String.init) ?? "?") (applied \(number("bans_applied")), restored \(number("bans_restored")), refused by allowlist \(number("bans_refused_allowlist")), ruleset repairs \(number("ruleset_repairs")))")
            print("events observed: \(number("events_observed")) in \(number("transactions")) firewall transaction(s)")
            print("sources:")
            for source in status["sources"]?.array ?? [] {
                print("  \(source["path"]?.string ?? "?")  [\(source["format"]?.string ?? "?")]  \(source["state"]?.string ?? "?")  lines \(source["lines"]?.int ?? 0)  events \(source["events"]?.int ?? 0)")
            }
            if let crowdsec = status["crowdsec"], crowdsec.string == nil {
                print("crowdsec:")
                for component in ["bouncer", "watcher"] { print("  \(component): \(Self.crowdSecLine(crowdsec[component]))") }
            }
            if let apiban = status["apiban"], apiban.string == nil { print("apiban: \(Self.feedLine(apiban))") }
            let blocklists = status["blocklists"]?.array ?? []
            if !blocklists.isEmpty { print("blocklists:") }
            for file in blocklists { print("  \(file["path"]?.string ?? "?"): \(Self.feedLine(file))") }
            let last = status["last_bans"]?.array ?? []
            if !last.isEmpty { print("last bans:") }
            for ban in last {
                print("  \(ban["target"]?.string ?? "?")  \(ban["origin"]?.string ?? "")  \(ban["reason"]?.string ?? "")")
            }
        }

        /// APIBAN or one blocklist file: its state, counters and last error.
        static func feedLine(_ health: ControlValue) -> String {
            func number(_ key: String) -> Int64 { health[key]?.int ?? 0 }
            var line = "\(health["state"]?.string ?? "?")  listed \(number("listed"))  applied \(number("applied"))"
                + "  refreshed \(number("refreshed"))  removed \(number("removed"))"
                + "  skipped (allowlisted) \(number("skipped_allowlisted"))  invalid \(number("invalid"))  rejected \(number("rejected"))"
            if number("consecutive_failures") > 0 { line += "  failures \(number("consecutive_failures"))" }
            if let error = health["last_error"]?.string { line += "  last error: \(error)" }
            return line
        }

        /// One CrowdSec component: its state, counters and last error (bouncer: `pending` = active decisions,
        /// watcher: `pending` = bans waiting to be pushed).
        static func crowdSecLine(_ health: ControlValue?) -> String {
            guard let health, health.string == nil else { return health?.string ?? "?" }
            func number(_ key: String) -> Int64 { health[key]?.int ?? 0 }
            var line = "\(health["state"]?.string ?? "?")  pending \(number("pending"))  applied \(number("applied"))"
                + "  removed \(number("removed"))  skipped \(number("skipped"))  rejected \(number("rejected"))"
            if number("consecutive_failures") > 0 { line += "  failures \(number("consecutive_failures"))" }
            if let error = health["last_error"]?.string { line += "  last error: \(error)" }
            return line
        }
    }
}
