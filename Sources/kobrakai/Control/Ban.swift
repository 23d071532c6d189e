import ArgumentParser
import KobraKaiDaemon

extension KobraKai {
    struct Ban: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ban an address or prefix now (refused when it touches the allowlist).",
            discussion: "Recorded with origin `operator`, restored after restarts like any ban, not counted as an offence.")

        @OptionGroup var connection: ControlConnectionOptions

        @Option(help: "How long, e.g. 90s, 15m, 1h, 7d (default: the policy's first ban time).")
        var duration: String?

        @Option(help: "Reason stored with the ban.")
        var reason: String?

        @Argument(help: "Address or CIDR prefix.")
        var address: String

        func run() throws {
            let target = try ControlSession.validatedTarget(address)
            let result = try ControlSession.send(
                ControlRequest(command: .ban, address: target, duration: duration, reason: reason), connection: connection)
            print("banned \(target) for \(ControlValue.durationText(milliseconds: (result["seconds"]?.int ?? 0) * 1000))")
        }
    }

    struct Unban: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lift the ban on an address or prefix (alias: --unblock ADDR).",
            discussion: "Its offence count is kept: if it attacks again its next ban is longer.")

        @OptionGroup var connection: ControlConnectionOptions

        @Argument(help: "Address or CIDR prefix, exactly as banned.")
        var address: String

        func run() throws { try Self.lift(address, connection: connection) }

        static func lift(_ address: String, connection: ControlConnectionOptions) throws {
            let target = try ControlSession.validatedTarget(address)
            _ = try ControlSession.send(ControlRequest(command: .unban, address: target), connection: connection)
            print("unbanned \(target)")
        }
    }

    struct Reload: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-read the configuration and allowlists without a restart (same as SIGHUP).")

        @OptionGroup var connection: ControlConnectionOptions

        func run() throws {
            let result = try ControlSession.send(ControlRequest(command: .reload), connection: connection)
            print("reloaded: \(result["summary"]?.string ?? "")")
        }
    }
}
