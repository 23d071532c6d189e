import Glibc

/// The receiver: a UDP socket on the SIP port in the receiver's namespace, drained with `recvmmsg` in
/// batches. It counts what the application really receives, after the firewall and the socket queue.
enum UDPSink {
    static func start(socket descriptor: Int32, batch: Int = 64) -> PacketLoop {
        PacketLoop(name: "kk-pps-recv") { loop in
            let bufferSize = 2048
            let buffers = UnsafeMutableRawPointer.allocate(byteCount: bufferSize * batch, alignment: 64)
            let (entries, vectors) = MultipleMessages.entries(count: batch, buffers: buffers, size: bufferSize, stride: bufferSize)
            defer {
                buffers.deallocate()
                vectors.deallocate()
                entries.deallocate()
                close(descriptor)
            }
            while !loop.isStopping {
                // MSG_WAITFORONE: return as soon as one datagram is there; SO_RCVTIMEO (below) bounds the
                // wait so that `stop()` is noticed when nothing arrives.
                let received = MultipleMessages.receive(descriptor, UnsafeMutableRawPointer(entries), UInt32(batch), MultipleMessages.waitForOne, nil)
                if received > 0 { loop.add(Int(received)) }
            }
        }
    }

    /// A socket bound to 0.0.0.0:`port` with a large receive buffer. Call from the namespace's thread.
    static func boundSocket(port: UInt16, receiveBuffer: Int32 = 16 << 20) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw PacketBenchError("socket: errno \(errno)") }
        var size = receiveBuffer
        // SO_RCVBUFFORCE (root) goes past net.core.rmem_max, so bursts are not lost to a small queue.
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVBUFFORCE, &size, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var local = try SocketAddress.ipv4("0.0.0.0", port: port)
        guard SocketAddress.withGeneric(&local, { bind(descriptor, $0, $1) }) == 0 else {
            let code = errno
            close(descriptor)
            throw PacketBenchError("bind 0.0.0.0:\(port): errno \(code)")
        }
        return descriptor
    }
}
