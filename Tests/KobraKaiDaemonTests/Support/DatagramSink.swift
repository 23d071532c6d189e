import Glibc
@testable import KobraKaiDaemon

/// A bound Unix datagram socket standing in for systemd's notify socket.
final class DatagramSink: @unchecked Sendable {
    let descriptor: Int32
    let address: String

    /// `address` is a path or an abstract name starting with `@`.
    init(address: String) throws {
        self.address = address
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard try UnixSocketAddress.withAddress(address, { bind(descriptor, $0, $1) }) == 0 else {
            throw TestFailure("bind \(address): errno \(errno)")
        }
    }

    /// The next datagram, or `nil` after `timeoutMilliseconds`; waits off the cooperative pool, which the
    /// services under test need.
    func receive(timeoutMilliseconds: Int32 = 5000) async -> String? {
        (try? await offPool { self.receiveBlocking(timeoutMilliseconds: timeoutMilliseconds) }) ?? nil
    }

    private func receiveBlocking(timeoutMilliseconds: Int32) -> String? {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, timeoutMilliseconds) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }

    deinit {
        close(descriptor)
        if !address.hasPrefix("@") { unlink(address) }
    }
}
