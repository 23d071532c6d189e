#if canImport(Glibc)
import Glibc
#endif

/// Reads the AMI secret from `ami.secret_file`: at start and on every reload, so rotating the secret needs
/// only `systemctl reload kobrakai`.
///
/// The file is refused, not merely warned about, when "other" users have any access to it (like ssh with a
/// private key): the manager user can read security events and, with a broader `read=` than recommended,
/// much more. Group access is allowed (0640 with a dedicated group) and the owner is not checked: whoever
/// owns the file could read the secret anyway.
enum AMISecretFile {
    /// A secret is one short line; anything larger is the wrong file.
    static let maximumSize = 4096

    static func read(_ path: String) throws(AMISettingsError) -> String {
        // O_NONBLOCK: a FIFO at that path must not hang the daemon's start or reload.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw .secretFileUnreadable(path: path, error: .current("open"))
        }
        defer { close(descriptor) }
        // fstat on the opened file, not stat on the path: no window for a swap between check and read.
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw .secretFileUnreadable(path: path, error: .current("fstat"))
        }
        guard status.st_mode & S_IFMT == S_IFREG else { throw .secretFileNotRegular(path: path) }
        let permissions = UInt32(status.st_mode) & 0o7777
        guard permissions & 0o007 == 0 else { throw .secretFileExposed(path: path, mode: permissions) }

        var contents = [UInt8](repeating: 0, count: maximumSize + 1)
        var filled = 0
        while filled < contents.count {
            let count = retryingOnInterrupt {
                contents.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            }
            if count < 0 { throw .secretFileUnreadable(path: path, error: .current("read")) }
            if count == 0 { break }
            filled += count
        }
        guard filled <= maximumSize else { throw .secretFileTooLarge(path: path, limit: maximumSize) }
        let firstLine = contents[..<filled].split(separator: 0x0A, maxSplits: 1, omittingEmptySubsequences: false).first ?? []
        // Asterisk trims whitespace around manager.conf values, so a secret never starts or ends with any;
        // trimming here forgives an editor's trailing CR or space.
        let secret = String(decoding: firstLine, as: UTF8.self).trimmingWhitespace()
        guard !secret.isEmpty else { throw .secretFileEmpty(path: path) }
        return secret
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
