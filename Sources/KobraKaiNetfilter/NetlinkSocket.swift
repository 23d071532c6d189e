import CMnl
import Glibc
import KobraKaiFirewall

/// One `NETLINK_NETFILTER` socket: the only holder of a C pointer in the backend.
///
/// Deliberately not `Sendable` (and not `@unchecked Sendable`): exactly one actor owns it and serialises every
/// batch through it (nftables-netlink.md §6.1). The socket stays bound to the network namespace of the thread
/// that opened it, which is what the kernel tests rely on.
final class NetlinkSocket {
    private let handle: OpaquePointer
    private var receiveBuffer: [UInt8]
    /// Port id the kernel assigned; replies carry it.
    let portID: UInt32
    private var nextSequence: UInt32

    init() throws(FirewallError) {
        guard let handle = mnl_socket_open(NETLINK_NETFILTER) else {
            throw KernelErrorMapper.socketError(errno, operation: "open a netfilter netlink socket")
        }
        guard mnl_socket_bind(handle, 0, pid_t(MNL_SOCKET_AUTOPID)) == 0 else {
            let code = errno
            mnl_socket_close(handle)
            throw KernelErrorMapper.socketError(code, operation: "bind the netlink socket")
        }
        self.handle = handle
        portID = mnl_socket_get_portid(handle)
        // The kernel echoes whatever sequence numbers we choose; starting from the clock keeps replies to an
        // earlier process on a reused port id from matching ours.
        nextSequence = UInt32(truncatingIfNeeded: time(nil))
        // The kernel's replies can be a 64 KiB dump message or an error; one page more as nft does (UINT16_MAX
        // + page size). MNL_SOCKET_BUFFER_SIZE (4 KiB here) would truncate errors silently (P-17).
        receiveBuffer = [UInt8](repeating: 0, count: Int(UInt16.max) + Int(sysconf(Int32(_SC_PAGESIZE))))
        var enabled: Int32 = 1
        // Extended ACKs carry NLMSGERR_ATTR_OFFS, which names the failing element; capped ACKs stop every
        // error reply from echoing the whole (up to 64 KiB) request back.
        _ = mnl_socket_setsockopt(handle, Netlink.extendedAckOption, &enabled, socklen_t(MemoryLayout<Int32>.size))
        _ = mnl_socket_setsockopt(handle, Netlink.cappedAckOption, &enabled, socklen_t(MemoryLayout<Int32>.size))
        // Each ACK costs ~832 bytes of receive buffer (P-16): 4 MiB holds ~5000, far more than the few dozen
        // ACK-requesting messages per transaction. FORCE needs CAP_NET_ADMIN in the init user namespace; plain
        // SO_RCVBUF is capped by rmem_max. Both are best effort: ENOBUFS is still detected and reported.
        _ = setSocketOption(SO_RCVBUFFORCE, 4 << 20) || setSocketOption(SO_RCVBUF, 4 << 20)
        // A dump that never ends must not hang the daemon forever.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        _ = setsockopt(fileDescriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        mnl_socket_close(handle)
    }

    private var fileDescriptor: Int32 { mnl_socket_get_fd(handle) }

    /// Allocates `count` consecutive sequence numbers and returns the first.
    func reserveSequenceNumbers(_ count: Int) -> UInt32 {
        let first = nextSequence
        nextSequence &+= UInt32(count)
        return first
    }

    /// Raises the send buffer so that one transaction of `bytes` fits in one `sendto` (P-18), as nft does.
    func ensureSendBuffer(for bytes: Int) {
        let needed = bytes + 4096
        var current: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fileDescriptor, SOL_SOCKET, SO_SNDBUF, &current, &length)
        if Int(current) >= needed { return }
        _ = setSocketOption(SO_SNDBUFFORCE, needed) || setSocketOption(SO_SNDBUF, needed)
    }

    @discardableResult
    private func setSocketOption(_ option: Int32, _ value: Int) -> Bool {
        var size = Int32(clamping: value)
        return setsockopt(fileDescriptor, SOL_SOCKET, option, &size, socklen_t(MemoryLayout<Int32>.size)) == 0
    }

    /// Sends one buffer (a whole batch) with one `sendto`; nfnetlink processes it before the call returns.
    func send(_ bytes: [UInt8]) throws(FirewallError) {
        let sent = bytes.withUnsafeBytes { raw in mnl_socket_sendto(handle, raw.baseAddress, raw.count) }
        if sent < 0 {
            throw KernelErrorMapper.socketError(errno, operation: "send a netlink batch of \(bytes.count) bytes")
        }
    }

    /// Outcome of draining the socket after a batch.
    struct Drained {
        var messages: [NetlinkMessage]
        /// The kernel dropped replies because the receive buffer was full (ENOBUFS).
        var repliesLost: Bool
    }

    /// Reads every reply already queued, without blocking, until EAGAIN (P-19).
    func drainReplies() throws(FirewallError) -> Drained {
        var drained = Drained(messages: [], repliesLost: false)
        while true {
            let count = receive(flags: MSG_DONTWAIT)
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK { return drained }
                if code == ENOBUFS {
                    drained.repliesLost = true
                    continue
                }
                throw KernelErrorMapper.socketError(code, operation: "receive netlink replies")
            }
            drained.messages += replies(count)
        }
    }

    /// Blocks for the next datagram (dump replies are produced while we read them).
    func receiveBlocking() throws(FirewallError) -> [NetlinkMessage] {
        while true {
            let count = receive(flags: 0)
            if count >= 0 { return replies(count) }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK {
                throw FirewallError(.outcomeUnknown, "no reply from the kernel within 10 s", errno: code)
            }
            throw KernelErrorMapper.socketError(code, operation: "receive netlink replies")
        }
    }

    private func receive(flags: Int) -> Int {
        receiveBuffer.withUnsafeMutableBytes { raw in
            recv(fileDescriptor, raw.baseAddress, raw.count, Int32(flags))
        }
    }

    /// Parses a received datagram into messages (callers match them to requests by sequence number).
    private func replies(_ count: Int) -> [NetlinkMessage] {
        NetlinkMessageReader.messages(in: Array(receiveBuffer[0..<count])[...])
    }
}
