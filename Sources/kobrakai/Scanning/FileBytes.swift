#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a small file (a configuration or an allowlist) whole; logs are streamed by `WindowReader` instead.
enum FileBytes {
    /// Configuration files are a few kilobytes; anything this large is a wrong path, not a configuration.
    static let maximumSize = 16 << 20

    struct Failure: Error, CustomStringConvertible {
        let errno: Int32
        var description: String {
            errno == EFBIG ? "larger than \(FileBytes.maximumSize >> 20) MiB" : String(cString: strerror(errno))
        }
    }

    static func contents(ofPath path: String) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(errno: errno) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(errno: errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > maximumSize { throw Failure(errno: EFBIG) }
        }
    }
}
