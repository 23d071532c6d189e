#if canImport(Glibc)
import Glibc
#endif

/// A non-blocking TCP connection to the manager, owned by the AMI worker thread and closed when dropped.
struct AMISocket: ~Copyable {
    enum ConnectError: Error, CustomStringConvertible {
        /// The doorbell rang (stop or reload) while connecting.
        case interrupted
        case resolution(host: String, message: String)
        case failed(address: String, error: SystemCallError)
        case timedOut(address: String, after: Duration)

        var description: String {
            switch self {
            case .interrupted: "connect interrupted"
            case .resolution(let host, let message): "cannot resolve \(host): \(message)"
            case .failed(let address, let error): "connect to \(address): \(error)"
            case .timedOut(let address, let after): "connect to \(address): no answer within \(after)"
            }
        }
    }

    enum ReceiveResult {
        case received(Int)
        case wouldBlock
        /// The manager closed the connection (EOF or reset).
        case closed(String)
        case failed(SystemCallError)
    }

    let descriptor: Int32
    /// The numeric address connected to, e.g. `127.0.0.1:5038` or `[::1]:5038`.
    let remoteAddress: String

    private init(descriptor: Int32, remoteAddress: String) {
        self.descriptor = descriptor
        self.remoteAddress = remoteAddress
    }

    deinit { close(descriptor) }

    /// Resolves `host` (a name, an IPv4 or an IPv6 address) and connects to each address in turn, giving
    /// each `timeout`. Name resolution uses the system resolver (blocking, bounded by resolv.conf timeouts);
    /// the connect itself is interruptible through `doorbell`.
    static func connect(
        host: String, port: UInt16, timeout: Duration, doorbell: WakeSignal
    ) throws(ConnectError) -> AMISocket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_TCP)
        // No AI_ADDRCONFIG: it hides 127.0.0.1 and ::1 on a host (or namespace) with only loopback up.
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .resolution(host: host, message: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        var lastError = ConnectError.resolution(host: host, message: "no address")
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            cursor = entry.pointee.ai_next
            let address = numericAddress(entry.pointee.ai_addr, port: port)
            do {
                let descriptor = try connect(entry.pointee, address: address, timeout: timeout, doorbell: doorbell)
                return AMISocket(descriptor: descriptor, remoteAddress: address)
            } catch .interrupted {
                throw .interrupted
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    private static func connect(
        _ entry: addrinfo, address: String, timeout: Duration, doorbell: WakeSignal
    ) throws(ConnectError) -> Int32 {
        let descriptor = socket(entry.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .failed(address: address, error: .current("socket")) }
        var keep = false
        defer { if !keep { close(descriptor) } }
        var one: Int32 = 1
        // Actions are tiny and latency matters more than packet count.
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        if Glibc.connect(descriptor, entry.ai_addr, entry.ai_addrlen) != 0 {
            guard errno == EINPROGRESS || errno == EINTR else {
                throw .failed(address: address, error: .current("connect"))
            }
            let deadline = MonotonicTime.milliseconds() + timeout.milliseconds
            while true {
                let remaining = deadline - MonotonicTime.milliseconds()
                guard remaining > 0 else { throw .timedOut(address: address, after: timeout) }
                var entries = [
                    pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0),
                    pollfd(fd: doorbell.descriptor, events: Int16(POLLIN), revents: 0),
                ]
                let ready = poll(&entries, 2, Int32(clamping: remaining))
                if ready < 0 {
                    if errno == EINTR { continue }
                    throw .failed(address: address, error: .current("poll"))
                }
                if entries[1].revents != 0 { throw .interrupted }
                if entries[0].revents != 0 { break }
            }
            var failure: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &length) == 0 else {
                throw .failed(address: address, error: .current("getsockopt"))
            }
            guard failure == 0 else { throw .failed(address: address, error: SystemCallError("connect", errno: failure)) }
        }
        keep = true
        return descriptor
    }

    private static func numericAddress(_ address: UnsafeMutablePointer<sockaddr>?, port: UInt16) -> String {
        guard let address else { return "?" }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { inet in
                _ = inet_ntop(AF_INET, &inet.pointee.sin_addr, &text, socklen_t(text.count))
            }
            return "\(Self.text(text)):\(port)"
        case AF_INET6:
            address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { inet6 in
                _ = inet_ntop(AF_INET6, &inet6.pointee.sin6_addr, &text, socklen_t(text.count))
            }
            return "[\(Self.text(text))]:\(port)"
        default:
            return "?"
        }
    }

    private static func text(_ characters: [CChar]) -> String {
        let bytes = characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// One non-blocking read into `buffer`.
    func receive(into buffer: inout [UInt8]) -> ReceiveResult {
        let count = retryingOnInterrupt { buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) } }
        if count > 0 { return .received(count) }
        if count == 0 { return .closed("the manager closed the connection") }
        switch errno {
        case EAGAIN, EWOULDBLOCK: return .wouldBlock
        case ECONNRESET: return .closed("the manager reset the connection")
        default: return .failed(.current("recv"))
        }
    }

    /// Writes as much of `pending` as the socket takes now and removes it; MSG_NOSIGNAL so a vanished
    /// manager is an error, not SIGPIPE.
    func flush(_ pending: inout [UInt8]) throws(SystemCallError) {
        while !pending.isEmpty {
            let count = retryingOnInterrupt {
                pending.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)) }
            }
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK { return }
                throw .current("send")
            }
            pending.removeFirst(count)
        }
    }

    /// Half-closes: the manager sees EOF and ends the session, while replies can still be read.
    func shutdownWrite() { _ = shutdown(descriptor, Int32(SHUT_WR)) }
}
