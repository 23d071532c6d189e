import ArgumentParser
import KobraKaiDaemon
import KobraKaiFirewall
import KobraKaiNetfilter
import Logging

/// The only product decision the executable makes: which firewall the daemon gets.
enum DaemonLauncher {
    static func launch(configurationPath: String, dryRun: Bool, debug: Bool) async throws {
        AllocatorTuning.apply()
        JournalLogHandler.bootstrap(level: debug ? .debug : .info)
        let logger = Logger(label: "kobrakai")
        do {
            let settings = try DaemonSettings.load(path: configurationPath)
            let firewall: any Firewall
            let rulesetGuard: (any RulesetGuard)?
            if dryRun || settings.configuration.firewall.dryRun {
                logger.notice("dry run: decisions are logged, nothing is banned in the kernel")
                firewall = InMemoryFirewall()
                rulesetGuard = nil
            } else {
                let netlink = try makeNetlinkFirewall()
                firewall = netlink
                do {
                    rulesetGuard = try NftablesRulesetGuard(firewall: netlink)
                } catch {
                    throw DaemonStartupError("cannot watch nftables changes: \(error.message)", exitCode: error.code == .permissionDenied ? 77 : 69)
                }
            }
            try await Daemon(configurationPath: configurationPath, settings: settings, firewall: firewall,
                             rulesetGuard: rulesetGuard, logger: logger).run()
        } catch let error as DaemonStartupError {
            logger.critical("\(error.message)")
            throw ExitCode(error.exitCode)
        }
    }

    private static func makeNetlinkFirewall() throws(DaemonStartupError) -> NftablesFirewall {
        do {
            return try NftablesFirewall()
        } catch where error.code == .permissionDenied {
            throw DaemonStartupError("\(error.message) (run as root or with CAP_NET_ADMIN)", exitCode: 77)
        } catch {
            throw DaemonStartupError("netlink unavailable: \(error.message)", exitCode: 69)
        }
    }
}
