import Foundation
import Glibc

/// A UDP socket for the packet-drop test. It belongs to the network namespace of the thread that opened it,
/// wherever it is used later.
final class UDPSocket: Sendable {
    let descriptor: Int32

    /// Opens a socket bound to `address:port` (port 0: any).
    init(binding address: String, port: UInt16 = 0) throws {
        var local = try Self.socketAddress(address, port)
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let bound = withUnsafePointer(to: &local) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            // `self.descriptor` is not set yet, so `deinit` does not run: this is the only close. (Set first,
            // a throwing init would release the instance through `deinit` and close the number twice.)
            close(descriptor)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    func send(_ text: String, to address: String, port: UInt16) throws {
        var remote = try Self.socketAddress(address, port)
        let bytes = Array(text.utf8)
        let sent = withUnsafePointer(to: &remote) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(descriptor, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard sent == bytes.count else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    /// Waits up to `limit` for a datagram whose text is `expected` (others, e.g. late earlier probes, are
    /// skipped). Blocking: call it on a dedicated thread, not the Swift concurrency pool.
    func receive(_ expected: String, within limit: Duration) -> Bool {
        let deadline = ContinuousClock.now + limit
        var buffer = [UInt8](repeating: 0, count: 2048)
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return false }
            var descriptors = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
            let milliseconds = Int32(max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            guard poll(&descriptors, 1, milliseconds) > 0 else { continue }
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0, String(decoding: buffer[0..<count], as: UTF8.self) == expected { return true }
        }
    }

    private static func socketAddress(_ address: String, _ port: UInt16) throws -> sockaddr_in {
        var result = sockaddr_in()
        result.sin_family = sa_family_t(AF_INET)
        result.sin_port = port.bigEndian
        guard inet_pton(AF_INET, address, &result.sin_addr) == 1 else { throw POSIXError(.EINVAL) }
        return result
    }
}
