#if canImport(Glibc)
import Glibc
#endif

/// One HTTP exchange over a real TCP socket (metrics endpoint tests), bytes exactly as given (so tests can send what no HTTP client
/// would): connects to 127.0.0.1:`port`, writes `request`, reads until the server closes (or 10 s pass).
public struct RawHTTPExchange: Sendable {
    public var status: Int
    public var head: String
    public var body: String

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    public static func send(_ request: String, port: Int) throws -> RawHTTPExchange {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Failure("socket: errno \(errno)") }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure("connect to port \(port): errno \(errno)") }
        let bytes = Array(request.utf8)
        guard bytes.withUnsafeBytes({ Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else {
            throw Failure("short send")
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            received += buffer[..<count]
        }
        let separator = Array("\r\n\r\n".utf8)
        guard let split = received.indices.dropLast(3).first(where: { received[$0..<$0 + 4].elementsEqual(separator) }) else {
            throw Failure("no HTTP answer: \(String(decoding: received.prefix(200), as: UTF8.self))")
        }
        let head = String(decoding: received[..<split], as: UTF8.self)
        let statusField = head.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        guard let status = statusField else { throw Failure("no status line: \(head.prefix(200))") }
        return RawHTTPExchange(status: status, head: head, body: String(decoding: received[(split + 4)...], as: UTF8.self))
    }

    /// `GET /metrics`, connection closed after the answer.
    public static func scrape(port: Int) throws -> String {
        let exchange = try send("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", port: port)
        guard exchange.status == 200 else { throw Failure("scrape answered \(exchange.status)") }
        return exchange.body
    }
}

/// The value of one series in an exposition (`name{labels}` exactly as emitted), or nil when absent.
public func sample(_ exposition: String, _ series: String) -> Double? {
    for line in exposition.split(separator: "\n") where line.hasPrefix(series + " ") {
        return Double(line.dropFirst(series.count + 1))
    }
    return nil
}
