#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// A real Asterisk manager stand-in on 127.0.0.1: a TCP listener that speaks AMI as Asterisk 20 does
/// (banner, Login with `Response: Success`/`Message: Authentication accepted` and `FullyBooted`, or
/// `Response: Error`/`Message: Authentication failed` and a close; Ping/Pong with the ActionID echoed;
/// Events; Logoff/Goodbye), and lets a test inject security events (whole, split into small chunks or
/// trickled), raw bytes, disconnects, a stopped and restarted listener on the same port, and a dead peer
/// (pings unanswered).
///
/// Everything runs on one thread of its own; writes to one connection stay in order, as Asterisk's
/// per-session lock keeps them. `happenings` reports what clients did, for tests to await.
public final class ScriptedAMIPeer: Sendable {
    public struct Behaviour: Sendable, Hashable {
        public var username: String
        public var secret: String
        public var banner = "Asterisk Call Manager/9.0.0"
        /// Send `Event: FullyBooted` after a successful login (a manager with `read = system`).
        public var sendsFullyBooted = true
        /// Asterisk sleeps one second before refusing a login; tests may shorten it.
        public var refusalDelay: Duration = .seconds(1)

        public init(username: String, secret: String) {
            self.username = username
            self.secret = secret
        }
    }

    public struct PeerError: Error, CustomStringConvertible {
        public var operation: String
        public var errno: Int32
        public var description: String { "\(operation): errno \(errno)" }
    }

    public let port: UInt16
    public let happenings: AsyncStream<AMIPeerHappening>
    private let inbox: ScriptedAMIPeerInbox

    /// Starts listening on 127.0.0.1 with a free port.
    public init(behaviour: Behaviour) throws(PeerError) {
        let listener = try ScriptedAMIPeerLoop.listen(port: 0)
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        inbox = try ScriptedAMIPeerInbox()
        let (stream, continuation) = AsyncStream.makeStream(of: AMIPeerHappening.self)
        happenings = stream
        let loop = ScriptedAMIPeerLoop(
            listener: listener, port: port, behaviour: behaviour, inbox: inbox, happenings: continuation)
        DispatchQueue(label: "kobrakai.test.ami-peer").async {
            var running = loop
            running.run()
        }
    }

    deinit { inbox.post(.shutdown({})) }

    /// Whether pings are answered; false makes the peer look dead while the TCP connection stays up.
    public var answersPings: Bool {
        get { inbox.answersPings }
        set { inbox.answersPings = newValue }
    }

    /// Sends `text` to every logged-in connection (every connection with `toUnauthenticated`), in chunks
    /// of `chunkSize` bytes with `pause` between them.
    public func send(_ text: String, chunkSize: Int = .max, pause: Duration = .zero, toUnauthenticated: Bool = false) {
        send(bytes: Array(text.utf8), chunkSize: chunkSize, pause: pause, toUnauthenticated: toUnauthenticated)
    }

    public func send(bytes: [UInt8], chunkSize: Int = .max, pause: Duration = .zero, toUnauthenticated: Bool = false) {
        inbox.post(.send(bytes: bytes, chunkSize: max(1, chunkSize), pause: pause, toUnauthenticated: toUnauthenticated))
    }

    public func send(_ event: AsteriskSecurityEvent, chunkSize: Int = .max, pause: Duration = .zero) {
        send(event.text, chunkSize: chunkSize, pause: pause)
    }

    /// Closes every client connection at once (as a crashing Asterisk would); keeps listening.
    public func disconnectAll() { inbox.post(.disconnectAll) }

    /// Closes the listener and every connection; connects are refused until `startListening()`.
    public func stopListening() async {
        await withCheckedContinuation { continuation in
            inbox.post(.stopListening({ continuation.resume() }))
        }
    }

    /// Listens again on the same port.
    public func startListening() async throws(PeerError) {
        let failure: PeerError? = await withCheckedContinuation { continuation in
            inbox.post(.startListening({ continuation.resume(returning: $0) }))
        }
        if let failure { throw failure }
    }

    /// Closes everything and ends the peer's thread.
    public func shutdown() async {
        await withCheckedContinuation { continuation in
            inbox.post(.shutdown({ continuation.resume() }))
        }
    }
}
