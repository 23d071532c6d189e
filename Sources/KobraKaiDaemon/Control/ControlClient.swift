#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The CLI side of the control socket: one connection, synchronous request/response (the CLI has
/// nothing else to do meanwhile), with a timeout so a hung daemon cannot hang the operator's shell.
public final class ControlClient {
    private let descriptor: Int32
    private var reader: SocketLineReader
    private let timeout: Duration
    private let wake: WakeSignal

    /// Connects to the daemon.
    /// - Throws: `ControlError` saying whether the daemon is not running or the caller lacks permission.
    public init(path: String = ControlServerConfiguration.defaultPath, timeout: Duration = .seconds(10)) throws(ControlError) {
        // Everything that can fail comes before the socket is stored: a class init that throws once every
        // stored property is set runs `deinit`, which would close the descriptor a second time (the double
        // close once found in InotifyWatcher). From `self.descriptor = ...` on, nothing throws.
        do { wake = try WakeSignal() } catch { throw ControlError("\(error)") }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw ControlError("socket: errno \(errno)", errno: errno) }
        let connected = (try? UnixSocketAddress.withAddress(path) { connect(descriptor, $0, $1) }) ?? -1
        guard connected == 0 else {
            let error = errno
            close(descriptor)
            switch error {
            case ENOENT, ECONNREFUSED: throw ControlError("kobrakai is not running (no listener at \(path))", errno: error)
            case EACCES, EPERM: throw ControlError("permission denied on \(path): run as root", errno: error)
            default: throw ControlError("connect \(path): \(String(cString: strerror(error)))", errno: error)
            }
        }
        self.descriptor = descriptor
        self.timeout = timeout
        reader = SocketLineReader(descriptor: descriptor, maxLength: 16 * 1024 * 1024)
    }

    deinit { close(descriptor) }

    public func send(_ request: ControlRequest) throws(ControlError) -> ControlResponse {
        let data: Data
        do { data = try JSONEncoder().encode(request) } catch { throw ControlError("cannot encode request: \(error)") }
        let line = try exchange(Array(data) + [0x0A])
        do {
            return try JSONDecoder().decode(ControlResponse.self, from: Data(line))
        } catch {
            throw ControlError("unreadable response from kobrakai: \(String(decoding: line, as: UTF8.self))")
        }
    }

    /// Sends raw bytes and returns the response line as text (for tests and debugging).
    public func sendRaw(_ bytes: [UInt8]) throws(ControlError) -> String {
        String(decoding: try exchange(bytes), as: UTF8.self)
    }

    private func exchange(_ bytes: [UInt8]) throws(ControlError) -> [UInt8] {
        do {
            try sendAll(descriptor, bytes)
        } catch {
            // The daemon may have answered (e.g. refused us) and closed before reading everything.
            if case .line(let line)? = try? reader.readLine(wake: wake, idleTimeout: .zero) { return line }
            throw ControlError("\(error)", errno: error.errno)
        }
        let outcome: SocketLineReader.Outcome
        do { outcome = try reader.readLine(wake: wake, idleTimeout: timeout) } catch { throw ControlError("\(error)", errno: error.errno) }
        switch outcome {
        case .line(let line): return line
        case .idle: throw ControlError("kobrakai did not answer within \(timeout)")
        case .closed, .stopped, .tooLong: throw ControlError("kobrakai closed the connection without an answer")
        }
    }
}
