/// KobraKai v2.3's command line, rewritten into subcommands before parsing, so scripts and unit files
/// written for v2.3 keep working and the subcommands stay the one implementation:
///
/// - `--test-ip ADDR` → `test-ip ADDR`, `--list-blocked` → `list`, `--unblock ADDR` → `unban ADDR`
///   (an accompanying `--config FILE` names the daemon's control socket);
/// - otherwise `--config FILE` and/or `--debug` with no subcommand → `run --config FILE [--debug]`.
///
/// Anything starting with a subcommand (or `--help`, `--version`) is left alone.
enum LegacyFlags {
    static func rewrite(_ arguments: [String]) -> [String] {
        guard let first = arguments.first, first.hasPrefix("--"), !["--help", "--version", "-h"].contains(first) else {
            return arguments
        }
        var command: [String]?
        var rest: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let value = index + 1 < arguments.count ? arguments[index + 1] : nil
            switch argument {
            case "--test-ip" where value != nil:
                command = ["test-ip", value!]
                index += 1
            case "--unblock" where value != nil:
                command = ["unban", value!]
                index += 1
            case "--list-blocked":
                command = ["list"]
            default:
                rest.append(argument)
            }
            index += 1
        }
        if let command {
            // `--debug` means nothing to the management commands.
            return command + rest.filter { $0 != "--debug" }
        }
        if rest.contains("--config") || rest.contains("--debug") { return ["run"] + rest }
        return arguments
    }
}
