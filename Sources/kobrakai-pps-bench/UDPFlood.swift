import Foundation
import Glibc

/// The sender: one connected UDP socket in the sender's namespace, sending the same SIP-sized datagram in
/// batches with `sendmmsg` (one system call per batch) as fast as the socket takes them.
enum UDPFlood {
    static func start(socket descriptor: Int32, payloadSize: Int, batch: Int = 64) -> PacketLoop {
        PacketLoop(name: "kk-pps-send") { loop in
            let payload = UnsafeMutableRawPointer.allocate(byteCount: payloadSize, alignment: 16)
            // Printable bytes, like a SIP OPTIONS request; the content does not matter to the firewall.
            payload.initializeMemory(as: UInt8.self, repeating: UInt8(ascii: "x"), count: payloadSize)
            // Every entry sends the same payload (stride 0).
            let (entries, vectors) = MultipleMessages.entries(count: batch, buffers: payload, size: payloadSize, stride: 0)
            defer {
                payload.deallocate()
                vectors.deallocate()
                entries.deallocate()
                close(descriptor)
            }
            while !loop.isStopping {
                let sent = MultipleMessages.send(descriptor, UnsafeMutableRawPointer(entries), UInt32(batch), 0)
                if sent > 0 { loop.add(Int(sent)) }
                // ENOBUFS/EAGAIN: the device queue is full for a moment; just go on.
            }
        }
    }

    /// A UDP socket bound to `local` and connected to `remote:port`. Call from the namespace's thread.
    static func connectedSocket(from local: String, to remote: String, port: UInt16) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw PacketBenchError("socket: errno \(errno)") }
        var source = try SocketAddress.ipv4(local, port: 0)
        var destination = try SocketAddress.ipv4(remote, port: port)
        guard SocketAddress.withGeneric(&source, { bind(descriptor, $0, $1) }) == 0,
              SocketAddress.withGeneric(&destination, { connect(descriptor, $0, $1) }) == 0
        else {
            let code = errno
            close(descriptor)
            throw PacketBenchError("bind/connect \(local) -> \(remote):\(port): errno \(code)")
        }
        return descriptor
    }
}
