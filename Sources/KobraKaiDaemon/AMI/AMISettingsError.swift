/// Why the AMI client settings cannot be used; worded for the operator, naming the key or file to fix.
public enum AMISettingsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `ami.enabled` without exactly one of `secret` and `secret_file` (the loader normally catches this).
    case missingSecret
    case invalidHost(String)
    case invalidPort(Int)
    /// Empty, or containing CR/LF/NUL, which would let the value inject extra AMI headers.
    case unsafeCredential(field: String)
    case secretFileUnreadable(path: String, error: SystemCallError)
    case secretFileNotRegular(path: String)
    /// "Other" users may read or write it: the secret would not be a secret.
    case secretFileExposed(path: String, mode: UInt32)
    case secretFileTooLarge(path: String, limit: Int)
    case secretFileEmpty(path: String)

    public var description: String {
        switch self {
        case .missingSecret:
            "ami: give exactly one of ami.secret and ami.secret_file"
        case .invalidHost(let host):
            "ami.host \"\(host)\" is not a host name or address"
        case .invalidPort(let port):
            "ami.port \(port) is outside 1...65535"
        case .unsafeCredential(let field):
            "ami.\(field) is empty or contains CR, LF or NUL"
        case .secretFileUnreadable(let path, let error):
            "ami.secret_file \(path) cannot be read: \(error)"
        case .secretFileNotRegular(let path):
            "ami.secret_file \(path) is not a regular file"
        case .secretFileExposed(let path, let mode):
            "ami.secret_file \(path) is accessible to other users (mode 0\(String(mode, radix: 8))): "
                + "refusing to use it; run chmod 0600 (or 0640 with a dedicated group) and reload"
        case .secretFileTooLarge(let path, let limit):
            "ami.secret_file \(path) is larger than \(limit) bytes; its first line should be the secret"
        case .secretFileEmpty(let path):
            "ami.secret_file \(path) has an empty first line"
        }
    }
}
