#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// A webhook receiver for the alert tests: an HTTP/1.1 listener on 127.0.0.1 (real socket, own thread) that
/// records each request (method, path, headers, body) and answers with the next scripted status, or never
/// answers at all (`hang`), to stand for a receiver that is down, failing or stuck. One request per
/// connection (`Connection: close`). Deliberately small: enough HTTP for AsyncHTTPClient's POSTs.
public final class AlertWebhookReceiver: Sendable {
    public struct Request: Sendable {
        public var method: String
        public var path: String
        /// Header names lower-cased.
        public var headers: [String: String]
        public var body: [UInt8]
    }

    public enum Answer: Sendable {
        case status(Int)
        /// Read the request, then hold the connection open without answering.
        case hang
    }

    public let port: Int
    private let listener: Int32
    private let state = Mutex<(requests: [Request], script: [Answer], otherwise: Answer, held: [Int32], stopped: Bool,
                               listenerClosed: Bool)>(([], [], .status(200), [], false, false))

    /// - Parameters:
    ///   - script: answers for the first requests, in order; `otherwise` for the rest.
    public init(script: [Answer] = [], otherwise: Answer = .status(200)) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard descriptor >= 0, bound == 0, listen(descriptor, 64) == 0 else {
            let error = ReceiverError(errno: errno)
            if descriptor >= 0 { close(descriptor) }
            throw error
        }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        listener = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        state.withLock {
            $0.script = script
            $0.otherwise = otherwise
        }
        let listener = self.listener
        // This thread owns the listener and is the one that closes it; `stop()` only shuts it down, which
        // wakes `accept`. Closed by `stop()` instead, a thread still in `handle` would next call `accept` on a
        // number that may belong to another test's socket by then.
        DispatchQueue(label: "test.webhook-receiver").async { [self] in
            while true {
                let connection = accept(listener, nil, nil)
                if connection < 0 {
                    if errno == EINTR { continue }
                    break  // shut down by stop()
                }
                handle(connection)
            }
            state.withLock { state in
                state.listenerClosed = true
                close(listener)
            }
        }
    }

    public var url: String { "http://127.0.0.1:\(port)/hook" }
    public var requests: [Request] { state.withLock { $0.requests } }

    /// Waits (polling) until at least `count` requests arrived or `timeout` passed; returns them.
    public func waitForRequests(_ count: Int, timeout: Duration = .seconds(20)) async -> [Request] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let seen = requests
            if seen.count >= count { return seen }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return requests
    }

    public func stop() {
        let held = state.withLock { state -> [Int32] in
            state.stopped = true
            // Under the lock: the accept thread closes the listener under it too, so this never reaches a reused number.
            if !state.listenerClosed { shutdown(listener, Int32(SHUT_RDWR)) }
            defer { state.held = [] }
            return state.held
        }
        held.forEach { close($0) }
    }

    deinit { if !state.withLock({ $0.stopped }) { stop() } }

    private func handle(_ connection: Int32) {
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let request = Self.read(connection) else {
            close(connection)
            return
        }
        let answer = state.withLock { state -> Answer in
            state.requests.append(request)
            return state.script.isEmpty ? state.otherwise : state.script.removeFirst()
        }
        switch answer {
        case .hang:
            // Held for `stop()` to close; a request that arrived while stopping is closed here instead.
            let closeNow = state.withLock { state in
                if !state.stopped { state.held.append(connection) }
                return state.stopped
            }
            if closeNow { close(connection) }
        case .status(let code):
            let response = Array("HTTP/1.1 \(code) Scripted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
            _ = response.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            close(connection)
        }
    }

    /// Reads the head, then `Content-Length` bytes of body.
    private static func read(_ connection: Int32) -> Request? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        var expected = Int.max
        while bytes.count < expected {
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            bytes += buffer[..<count]
            if headEnd == nil, let end = bytes.indices.dropLast(3).first(where: { bytes[$0..<$0 + 4].elementsEqual(separator) }) {
                headEnd = end + 4
                let head = String(decoding: bytes[..<end], as: UTF8.self)
                let length = head.split(separator: "\r\n").compactMap { line -> Int? in
                    let parts = line.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                    return Int(parts[1].trimmingCharacters(in: " "))
                }.first ?? 0
                expected = end + 4 + length
            }
        }
        guard let headEnd else { return nil }
        let lines = String(decoding: bytes[..<(headEnd - 4)], as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        let requestLine = lines.first?.split(separator: " ") ?? []
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { headers[parts[0].lowercased()] = String(parts[1].trimmingCharacters(in: " ")) }
        }
        return Request(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, body: Array(bytes[headEnd..<expected]))
    }

    public struct ReceiverError: Error {
        public var errno: Int32
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> Substring {
        var text = self
        while text.first == set { text = text.dropFirst() }
        while text.last == set { text = text.dropLast() }
        return text
    }
}
