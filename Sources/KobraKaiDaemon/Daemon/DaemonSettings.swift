#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KobraKaiAddress
import KobraKaiCore

/// Everything the daemon reads before it can decide anything: the configuration file, the allowlist files
/// it names and the host's own addresses. Read at start and again on each reload.
public struct DaemonSettings: Sendable {
    public var configuration: Configuration
    public var allowlistFileEntries: [IPPrefix]
    public var ownAddresses: [IPAddress]
    /// Things to log (configuration warnings, unusable allowlist lines); none of them stops the daemon.
    public var warnings: [String]

    public init(configuration: Configuration, allowlistFileEntries: [IPPrefix] = [], ownAddresses: [IPAddress] = [], warnings: [String] = []) {
        self.configuration = configuration
        self.allowlistFileEntries = allowlistFileEntries
        self.ownAddresses = ownAddresses
        self.warnings = warnings
    }

    /// Reads `path`, the allowlist files and the interface addresses.
    /// - Throws: `DaemonStartupError` (exit 78) naming the file or the key that is wrong.
    public static func load(path: String) throws(DaemonStartupError) -> DaemonSettings {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .configuration("cannot read configuration file \(path)")
        }
        let configuration: Configuration
        do {
            configuration = try Configuration.load(from: Array(data))
        } catch {
            throw .configuration("\(path): \(error)")
        }
        var settings = DaemonSettings(configuration: configuration, ownAddresses: InterfaceAddresses.current(),
                                      warnings: configuration.warnings.map { "\(path): \($0)" })
        for file in configuration.allowlist.files {
            guard let bytes = FileManager.default.contents(atPath: file) else {
                settings.warnings.append("allowlist file \(file) cannot be read: its entries are not allowlisted")
                continue
            }
            let parsed = AllowlistFile.parse(String(decoding: bytes, as: UTF8.self))
            settings.allowlistFileEntries += parsed.entries
            settings.warnings += parsed.errors.map { "\(file): \($0)" }
        }
        return settings
    }

    /// The allowlist the engine enforces as its last line: the same data the policy uses (configuration
    /// CIDRs, allowlist files, own addresses) plus loopback.
    public var protectedAddresses: ProtectedAddresses {
        ProtectedAddresses(Allowlist.alwaysAllowed + configuration.allowlist.prefixes + allowlistFileEntries
                           + ownAddresses.map { IPPrefix(host: $0) })
    }

    /// The policy for this configuration.
    public func makePolicy() throws(DaemonStartupError) -> BanPolicy {
        do {
            return try configuration.makePolicy(allowlistFileEntries: allowlistFileEntries, runtimeAddresses: ownAddresses)
        } catch {
            throw .configuration("\(error)")
        }
    }
}
