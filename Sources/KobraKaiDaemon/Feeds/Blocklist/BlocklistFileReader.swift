#if canImport(Glibc)
import Glibc
#endif

/// Reads a blocklist file whole, or says why it cannot: a missing, unreadable or non-regular file must
/// keep the previous contents, never count as an empty list (which would lift every ban it made).
enum BlocklistFileReader {
    /// 64 MiB is several million lines; anything larger is the wrong file.
    static let maximumSize = 64 * 1024 * 1024

    static func read(_ path: String) throws(SystemCallError) -> String {
        // O_NONBLOCK: a FIFO at that path must not hang the service.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard descriptor >= 0 else { throw .current("open \(path)") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .current("fstat \(path)") }
        guard status.st_mode & S_IFMT == S_IFREG else { throw SystemCallError("read \(path) (not a regular file)", errno: EINVAL) }
        guard status.st_size <= maximumSize else { throw SystemCallError("read \(path) (larger than 64 MiB)", errno: EFBIG) }
        var contents = [UInt8](repeating: 0, count: Int(status.st_size) + 1)
        var filled = 0
        while true {
            if filled == contents.count { contents += [UInt8](repeating: 0, count: max(4096, contents.count)) }
            let count = retryingOnInterrupt {
                contents.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            }
            if count < 0 { throw .current("read \(path)") }
            if count == 0 { break }
            filled += count
            guard filled <= maximumSize else { throw SystemCallError("read \(path) (larger than 64 MiB)", errno: EFBIG) }
        }
        return String(decoding: contents[..<filled], as: UTF8.self)
    }
}
