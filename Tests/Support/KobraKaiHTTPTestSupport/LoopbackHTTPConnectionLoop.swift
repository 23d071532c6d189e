#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The server thread of `LoopbackHTTPServer`: accept, read one request, answer, close.
struct LoopbackHTTPConnectionLoop: Sendable {
    let listener: Int32
    let handler: @Sendable (HTTPTestRequest) -> HTTPTestResponse
    let state: LoopbackHTTPServerState
    /// The largest request accepted (headers and body).
    static let maximumRequestSize = 1 << 20

    func run() {
        while !state.stopped.withLock({ $0 }) {
            // Poll with a short timeout so that `stop()` is noticed without closing the socket under accept.
            var descriptor = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 50) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
            serve(connection)
            close(connection)
        }
    }

    private func serve(_ connection: Int32) {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let request = readRequest(connection) else { return }
        state.received.withLock { $0.append(request) }
        let response = handler(request)
        if response.delay > .zero { Thread.sleep(forTimeInterval: Double(response.delay.components.seconds) + Double(response.delay.components.attoseconds) / 1e18) }
        if response.dropConnection { return }
        var head = "HTTP/1.1 \(response.status) \(HTTPTestResponse.reasonPhrase(response.status))\r\n"
        for header in response.headers { head += "\(header.name): \(header.value)\r\n" }
        head += "Content-Length: \(response.body.count)\r\nConnection: close\r\n\r\n"
        write(connection, Array(head.utf8) + response.body)
    }

    private func readRequest(_ connection: Int32) -> HTTPTestRequest? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let terminator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        var bodyLength = 0
        while buffer.count < Self.maximumRequestSize {
            if let end = headerEnd, buffer.count >= end + bodyLength { break }
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return nil }
            buffer += chunk[..<count]
            if headerEnd == nil, let range = buffer.firstRange(of: terminator) {
                headerEnd = range.upperBound
                bodyLength = Self.contentLength(buffer[..<range.lowerBound])
            }
        }
        guard let end = headerEnd else { return nil }
        let headText = String(decoding: buffer[..<(end - 4)], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        let headers = lines.compactMap { line -> HTTPTestHeader? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return HTTPTestHeader(name: line[..<colon].lowercased(),
                                  value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let body = Array(buffer[end..<min(buffer.count, end + bodyLength)])
        return HTTPTestRequest(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, body: body)
    }

    private static func contentLength(_ head: ArraySlice<UInt8>) -> Int {
        for line in String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length" {
                return min(Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0, maximumRequestSize)
            }
        }
        return 0
    }

    private func write(_ connection: Int32, _ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            // MSG_NOSIGNAL: a client that gave up (timeout) must not kill the test process with SIGPIPE.
            let count = bytes.withUnsafeBytes { send(connection, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            sent += count
        }
    }
}
