import ArgumentParser
import KobraKaiCore
import KobraKaiDaemon

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where the management commands find the daemon: `--socket`, else the configuration's `control_socket`,
/// else the default path.
struct ControlConnectionOptions: ParsableArguments {
    @Option(help: "Control socket of the running daemon (default: from --config, else /run/kobrakai/control.sock).")
    var socket: String?

    @Option(help: "Configuration file whose control_socket to use.")
    var config: String?

    func socketPath() throws -> String {
        if let socket { return socket }
        guard let config else { return ControlServerConfiguration.defaultPath }
        guard let data = FileManager.default.contents(atPath: config) else {
            writeStandardError("kobrakai: cannot read configuration file \(config)\n")
            throw ExitCode(78)
        }
        do {
            return try Configuration.load(from: Array(data)).controlSocket
        } catch {
            writeStandardError("kobrakai: \(config): \(error)\n")
            throw ExitCode(78)
        }
    }
}
