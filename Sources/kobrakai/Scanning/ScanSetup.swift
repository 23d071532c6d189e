import KobraKaiAddress
import KobraKaiCore

/// What `kobrakai scan` needs from `--config`: the parsed configuration and the entries of the allowlist
/// files it names (the core parses text; reading files is the executable's job).
struct ScanSetup {
    /// A problem that stops the scan before it starts, with its sysexits code.
    struct Failure: Error {
        let message: String
        let exitCode: Int32
    }

    var configuration = Configuration()
    var allowlistFileEntries: [IPPrefix] = []
    /// Accepted but worth reading: unknown keys, v2.3 keys, unknown rule ids, bad allowlist lines.
    var warnings: [String] = []

    /// The defaults, as `{}` would give.
    init() {}

    /// Loads `path`. Every configuration problem is exit 78 (EX_CONFIG), including an unreadable file:
    /// the configuration is what must be fixed, and service managers treat 78 as "do not restart".
    init(configurationPath path: String) throws(Failure) {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.contents(ofPath: path)
        } catch {
            throw Failure(message: "cannot read configuration \(path): \(error)", exitCode: 78)
        }
        do {
            configuration = try Configuration.load(from: bytes)
        } catch {
            throw Failure(message: "configuration \(path): \(error)", exitCode: 78)
        }
        warnings = configuration.warnings.map { "configuration \(path): warning: \($0)" }
        for (index, file) in configuration.allowlist.files.enumerated() {
            let text: [UInt8]
            do {
                text = try FileBytes.contents(ofPath: file)
            } catch {
                throw Failure(
                    message: "configuration \(path): allowlist.files[\(index)]: cannot read \(file): \(error)",
                    exitCode: 78)
            }
            let parsed = AllowlistFile.parse(String(decoding: text, as: UTF8.self))
            allowlistFileEntries += parsed.entries
            warnings += parsed.errors.map { "allowlist \(file): warning: \($0) (line skipped)" }
        }
    }

    /// The built-in formats to read in `path`: the format of the configured log source with that path,
    /// or every format for a file the configuration does not name.
    func sources(forPath path: String) -> LogSources {
        guard let source = configuration.logSources.first(where: { $0.path == path }) else { return .all }
        return LogSources(source.format)
    }

    func makePolicy() throws(Failure) -> BanPolicy {
        do {
            return try configuration.makePolicy(allowlistFileEntries: allowlistFileEntries)
        } catch {
            throw Failure(message: "configuration: \(error)", exitCode: 78)
        }
    }
}
