#if canImport(Glibc)
import Glibc
#endif

/// Reads newline-terminated lines from a stream socket with a bounded buffer, waking for a `WakeSignal`
/// (shutdown) or an idle timeout instead of blocking forever.
struct SocketLineReader {
    enum Outcome: Equatable {
        case line([UInt8])
        /// No newline within `maxLength` bytes.
        case tooLong
        /// The peer closed (a trailing unterminated fragment is discarded).
        case closed
        case idle
        case stopped
    }

    let descriptor: Int32
    let maxLength: Int
    private var buffer: [UInt8] = []

    init(descriptor: Int32, maxLength: Int) {
        self.descriptor = descriptor
        self.maxLength = maxLength
    }

    mutating func readLine(wake: WakeSignal, idleTimeout: Duration) throws(SystemCallError) -> Outcome {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                guard newline <= maxLength else { return .tooLong }
                var line = Array(buffer[..<newline])
                buffer.removeFirst(newline + 1)
                if line.last == 0x0D { line.removeLast() }
                return .line(line)
            }
            guard buffer.count <= maxLength else { return .tooLong }
            var entries = [
                pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wake.descriptor, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&entries, 2, Int32(clamping: idleTimeout.milliseconds))
            if ready < 0 {
                if errno == EINTR { continue }
                throw .current("poll control connection")
            }
            if ready == 0 { return .idle }
            if entries[1].revents != 0 { return .stopped }
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                if errno == ECONNRESET { return .closed }
                throw .current("recv control connection")
            }
            if count == 0 { return .closed }
            buffer.append(contentsOf: chunk[..<count])
        }
    }
}

/// Writes all of `bytes`, retrying short writes; MSG_NOSIGNAL so a vanished peer is an error, not SIGPIPE.
func sendAll(_ descriptor: Int32, _ bytes: [UInt8]) throws(SystemCallError) {
    var sent = 0
    while sent < bytes.count {
        let count = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
        if count < 0 {
            if errno == EINTR { continue }
            throw .current("send")
        }
        sent += count
    }
}
