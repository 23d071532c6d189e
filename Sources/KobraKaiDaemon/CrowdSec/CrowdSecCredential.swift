/// The CrowdSec bouncer key or machine password: inline in the configuration, or the first line of a file
/// read with the AMI secret file's checks (regular file, no access for "other" users, one short line).
enum CrowdSecCredential {
    /// - Parameters:
    ///   - key: the configuration key naming the file, for the error (`crowdsec.bouncer_api_key_file`).
    /// - Throws: `DaemonStartupError` (exit 78) naming the key and the file.
    static func read(inline: String?, file: String?, key: String) throws(DaemonStartupError) -> String {
        if let file {
            do {
                return try AMISecretFile.read(file)
            } catch {
                throw .configuration(message(error, key: key))
            }
        }
        guard let inline, !inline.isEmpty else { throw .configuration("crowdsec: \(key) or its inline form is required") }
        return inline
    }

    /// The AMI reader's errors name `ami.secret_file`; these name the CrowdSec (or APIBAN) key instead.
    static func message(_ error: AMISettingsError, key: String) -> String {
        switch error {
        case .secretFileUnreadable(let path, let error): "\(key) \(path) cannot be read: \(error)"
        case .secretFileNotRegular(let path): "\(key) \(path) is not a regular file"
        case .secretFileExposed(let path, let mode):
            "\(key) \(path) is accessible to other users (mode 0\(String(mode, radix: 8))): refusing to use it; run chmod 0600 (or 0640 with a dedicated group)"
        case .secretFileTooLarge(let path, let limit): "\(key) \(path) is larger than \(limit) bytes; its first line should be the secret"
        case .secretFileEmpty(let path): "\(key) \(path) has an empty first line"
        default: "\(key): \(error)"
        }
    }
}
