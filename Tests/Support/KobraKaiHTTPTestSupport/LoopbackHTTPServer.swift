#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A small HTTP/1.1 server on 127.0.0.1 for tests of HTTP clients (APIBAN, webhooks, ...): a real TCP
/// socket on a free port, one thread, one connection at a time, every answer with `Connection: close`.
/// The test decides each answer in `handler` and reads what arrived in `requests`.
///
/// Requests are read up to the end of their headers plus `Content-Length` bytes of body (no chunked
/// request bodies: none of our clients send them).
public final class LoopbackHTTPServer: Sendable {
    public struct ServerError: Error, CustomStringConvertible {
        public var operation: String
        public var errno: Int32
        public var description: String { "\(operation): \(String(cString: strerror(errno)))" }
    }

    public let port: UInt16
    private let listener: Int32
    private let shared = LoopbackHTTPServerState()
    private let finished = DispatchSemaphore(value: 0)

    /// Starts listening at once; `handler` runs on the server's thread for each request.
    public init(handler: @escaping @Sendable (HTTPTestRequest) -> HTTPTestResponse) throws(ServerError) {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socketDescriptor >= 0 else { throw ServerError(operation: "socket", errno: errno) }
        var reuse: Int32 = 1
        setsockopt(socketDescriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(socketDescriptor, 16) == 0 else {
            let error = ServerError(operation: "bind/listen 127.0.0.1", errno: errno)
            close(socketDescriptor)
            throw error
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketDescriptor, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        listener = socketDescriptor
        let loop = LoopbackHTTPConnectionLoop(listener: socketDescriptor, handler: handler, state: shared)
        let finished = self.finished
        Thread.detachNewThread {
            loop.run()
            finished.signal()
        }
    }

    deinit { stop() }

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Every request received so far, in order.
    public var requests: [HTTPTestRequest] { shared.received.withLock { $0 } }

    /// Stops accepting and waits for the thread to end (after the request in progress, if any).
    public func stop() {
        let already = shared.stopped.withLock { value in defer { value = true }; return value }
        guard !already else { return }
        finished.wait()
        close(listener)
    }
}
