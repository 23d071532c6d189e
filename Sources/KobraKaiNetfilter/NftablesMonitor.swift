import CMnl
import CNftnl
import Foundation
import Glibc
import KobraKaiFirewall
import Synchronization

/// Reports changes to `table inet kobrakai` made by anyone (nft, `systemctl reload nftables`, other tools)
/// as they are committed, by listening to the nf_tables multicast group (NFNLGRP_NFTABLES) on its own
/// netlink socket.
///
/// The socket is read by a dedicated thread that blocks in `poll` (never a Swift-concurrency pool thread);
/// `stop()`, deinit or cancelling the task that iterates `changes` wakes it through a pipe at once, and the
/// stream then finishes. Create it on the thread whose network namespace it should watch, like the firewall;
/// it is subscribed when `init` returns, so every transaction committed afterwards is reported.
public final class NftablesMonitor: Sendable {
    /// One value per committed transaction that concerns us, plus `.generation` for every transaction.
    /// Single consumer. Unbounded: a transaction yields at most a few values, and losing a `.tableDeleted`
    /// to a full buffer would defeat the purpose.
    public let changes: AsyncStream<RulesetChange>
    private let control: Control
    private let continuation: AsyncStream<RulesetChange>.Continuation

    /// - Parameters:
    ///   - table: the `inet` table to watch.
    ///   - receiveBufferBytes: socket receive buffer. The kernel also notifies every element added or removed
    ///     (100 000 per bulk load), so the default is large; when it still overflows, `.notificationsLost`
    ///     is reported and nothing else is missed silently.
    /// - Throws: `.permissionDenied` or `.system` when the socket cannot be opened or subscribed.
    public convenience init(table: String = KobraKaiRuleset.table, receiveBufferBytes: Int = 8 << 20)
        throws(FirewallError)
    {
        try self.init(table: table, receiveBufferBytes: receiveBufferBytes, readerGate: nil)
    }

    /// - Parameter readerGate: the reader thread waits for it before reading anything (tests use it to let
    ///   notifications pile up and overflow the socket deterministically).
    init(table: String, receiveBufferBytes: Int, readerGate: DispatchSemaphore?) throws(FirewallError) {
        let socket = try Self.openSubscribedSocket(receiveBufferBytes: receiveBufferBytes)
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else {
            let code = errno
            close(socket)
            throw KernelErrorMapper.socketError(code, operation: "create the monitor's wake-up pipe")
        }
        // Not inherited by children (tests spawn nft); pipe2(O_CLOEXEC) is not visible without _GNU_SOURCE.
        for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let control = Control(socket: socket, wakeRead: pipeEnds[0], wakeWrite: pipeEnds[1])
        self.control = control
        let (stream, continuation) = AsyncStream.makeStream(of: RulesetChange.self, bufferingPolicy: .unbounded)
        changes = stream
        self.continuation = continuation
        continuation.onTermination = { _ in control.stop() }
        let decoder = RulesetNotificationDecoder(table: table)
        let thread = Thread {
            readerGate?.wait()
            Self.readLoop(control, decoder: decoder, continuation: continuation)
        }
        thread.name = "kobrakai-nft-monitor"
        thread.start()
    }

    deinit {
        control.stop()
    }

    /// Stops listening; `changes` finishes promptly. Safe to call more than once.
    public func stop() {
        control.stop()
    }

    /// Leaves the multicast group until `resume()`. While anyone listens, the kernel builds one notification
    /// per element added or removed, which roughly triples the kernel time of a 100 000-ban load or restore
    /// (see `kkbench --monitor 1`); the daemon suspends around its own bulk operations. Other listeners
    /// (`nft monitor`) keep the kernel building them anyway.
    public func suspend() throws(FirewallError) {
        try setMembership(Int32(NETLINK_DROP_MEMBERSHIP))
    }

    /// Joins the group again and reports `.notificationsLost`: whatever others changed meanwhile is unknown,
    /// so the consumer re-verifies.
    public func resume() throws(FirewallError) {
        try setMembership(Int32(NETLINK_ADD_MEMBERSHIP))
        continuation.yield(.notificationsLost)
    }

    private func setMembership(_ option: Int32) throws(FirewallError) {
        let outcome = control.withOpenSocket { socket in
            var group = Int32(NFNLGRP_NFTABLES.rawValue)
            return setsockopt(socket, Int32(SOL_NETLINK), option, &group, socklen_t(MemoryLayout<Int32>.size)) == 0
                ? 0 : errno
        }
        guard let code = outcome else {
            throw FirewallError(.system, "the nf_tables monitor is stopped", errno: nil)
        }
        if code != 0 {
            throw KernelErrorMapper.socketError(code, operation: "change the nf_tables notification membership")
        }
    }

    /// File descriptors shared by the reader thread and whoever stops it. The pipe's write end is written
    /// and closed only under a lock, and so is the socket when used from outside the reader, so a late
    /// `stop()` or `suspend()` can never touch a reused descriptor.
    private final class Control: Sendable {
        let socket: Int32
        let wakeRead: Int32
        private let wakeWrite: Mutex<Int32?>
        private let socketOpen = Mutex(true)

        init(socket: Int32, wakeRead: Int32, wakeWrite: Int32) {
            self.socket = socket
            self.wakeRead = wakeRead
            self.wakeWrite = Mutex(wakeWrite)
        }

        /// Runs `body` with the socket unless the reader has closed it (then returns nil).
        func withOpenSocket<T: Sendable>(_ body: (Int32) -> T) -> T? {
            socketOpen.withLock { open in open ? body(socket) : nil }
        }

        func stop() {
            wakeWrite.withLock { descriptor in
                guard let write = descriptor else { return }
                var byte: UInt8 = 1
                _ = Glibc.write(write, &byte, 1)
                close(write)
                descriptor = nil
            }
        }

        /// Called by the reader thread once it has left its loop.
        func closeAll() {
            stop()
            close(wakeRead)
            socketOpen.withLock { open in
                open = false
                close(socket)
            }
        }
    }

    private static func readLoop(_ control: Control, decoder: RulesetNotificationDecoder,
                                 continuation: AsyncStream<RulesetChange>.Continuation)
    {
        var decoder = decoder
        // Coalesced notifications arrive in datagrams of up to a few pages; 64 KiB + a page as for replies.
        var buffer = [UInt8](repeating: 0, count: Int(UInt16.max) + Int(sysconf(Int32(_SC_PAGESIZE))))
        defer {
            control.closeAll()
            continuation.finish()
        }
        var descriptors = [pollfd(fd: control.socket, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: control.wakeRead, events: Int16(POLLIN), revents: 0)]
        while true {
            descriptors[0].revents = 0
            descriptors[1].revents = 0
            let ready = poll(&descriptors, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if descriptors[1].revents != 0 { return }
            guard descriptors[0].revents != 0 else { continue }
            while true {  // drain everything queued before polling again
                let count = buffer.withUnsafeMutableBytes { raw in
                    recv(control.socket, raw.baseAddress, raw.count, Int32(MSG_DONTWAIT))
                }
                if count < 0 {
                    let code = errno
                    if code == EINTR { continue }
                    if code == EAGAIN || code == EWOULDBLOCK { break }
                    if code == ENOBUFS {
                        decoder.reset()
                        continuation.yield(.notificationsLost)
                        continue
                    }
                    return  // the socket is unusable: finish the stream, the daemon restarts the monitor
                }
                let messages = NetlinkMessageReader.messages(in: buffer[0..<count])
                for change in decoder.decode(messages) { continuation.yield(change) }
            }
        }
    }

    private static func openSubscribedSocket(receiveBufferBytes: Int) throws(FirewallError) -> Int32 {
        let socket = Glibc.socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
                                  NETLINK_NETFILTER)
        guard socket >= 0 else {
            throw KernelErrorMapper.socketError(errno, operation: "open a netfilter netlink socket")
        }
        var address = sockaddr_nl()
        address.nl_family = sa_family_t(AF_NETLINK)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(socket, generic, socklen_t(MemoryLayout<sockaddr_nl>.size))
            }
        }
        var group = Int32(NFNLGRP_NFTABLES.rawValue)
        let joined = bound == 0 ? setsockopt(socket, Int32(SOL_NETLINK), Int32(NETLINK_ADD_MEMBERSHIP), &group,
                                             socklen_t(MemoryLayout<Int32>.size)) : -1
        guard joined == 0 else {
            let code = errno
            close(socket)
            throw KernelErrorMapper.socketError(code, operation: "subscribe to nf_tables notifications")
        }
        var size = Int32(clamping: receiveBufferBytes)
        // FORCE needs CAP_NET_ADMIN in the init user namespace; plain SO_RCVBUF is capped by rmem_max.
        if setsockopt(socket, SOL_SOCKET, SO_RCVBUFFORCE, &size, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            _ = setsockopt(socket, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        return socket
    }
}
