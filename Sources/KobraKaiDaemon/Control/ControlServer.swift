#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import ServiceLifecycle

/// The local control socket: line-delimited JSON over a Unix stream socket, root only, no TCP.
///
/// Each connection may send several requests, one per line; each gets one response line. A peer whose
/// kernel-reported uid is not allowed gets one error line and is disconnected before anything is read.
/// Graceful shutdown stops accepting, ends idle connections and removes the socket file.
public struct ControlServer: Service {
    private let configuration: ControlServerConfiguration
    private let handler: any ControlRequestHandler
    private let logger: Logger
    private let onListening: @Sendable () -> Void

    /// - Parameter onListening: called once the socket accepts connections (the daemon sends systemd
    ///   READY=1 only after every such service is listening).
    public init(
        configuration: ControlServerConfiguration, handler: any ControlRequestHandler,
        logger: Logger = Logger(label: "kobrakai.control"), onListening: @escaping @Sendable () -> Void = {}
    ) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let listener = try ControlListener(path: configuration.path)
        let wake = try WakeSignal()
        logger.info("control socket listening", metadata: ["path": "\(configuration.path)"])
        onListening()
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await withThrowingDiscardingTaskGroup { group in
                    while let client = try await BlockingExecutor.run("control.accept", { () throws(SystemCallError) -> Int32? in
                        try listener.accept(wake: wake)
                    }) {
                        group.addTask { await self.serve(client, wake: wake) }
                    }
                }
            } onCancel: {
                wake.signal()
            }
        } onGracefulShutdown: {
            wake.signal()
        }
        logger.info("control socket closed", metadata: ["path": "\(configuration.path)"])
    }

    private func serve(_ client: Int32, wake: WakeSignal) async {
        defer { close(client) }
        // A client that stops reading cannot hold a writer forever.
        var sendTimeout = timeval(tv_sec: 5, tv_usec: 0)
        _ = setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &sendTimeout, socklen_t(MemoryLayout<timeval>.size))
        let peer: PeerCredentials
        do {
            peer = try PeerCredentials(of: client)
        } catch {
            logger.warning("control connection without credentials", metadata: ["error": "\(error)"])
            return
        }
        guard configuration.allowedUserIDs.contains(peer.userID) else {
            logger.warning("control connection refused", metadata: ["uid": "\(peer.userID)", "pid": "\(peer.processID)"])
            await refuse(client, .failure("permission denied: uid \(peer.userID) may not use the control socket"))
            return
        }
        let reader = ConnectionReader(reader: SocketLineReader(descriptor: client, maxLength: configuration.maxRequestLength))
        while true {
            let idleTimeout = configuration.idleTimeout
            let outcome = try? await BlockingExecutor.run("control.read", { () throws(SystemCallError) -> SocketLineReader.Outcome in
                try reader.readLine(wake: wake, idleTimeout: idleTimeout)
            })
            let response: ControlResponse
            switch outcome {
            case .line(let bytes):
                response = await respond(to: bytes, peer: peer)
            case .tooLong:
                await refuse(client, .failure("request longer than \(configuration.maxRequestLength) bytes"))
                return
            case .closed, .idle, .stopped, nil:
                return
            }
            let bytes = Self.encode(response)
            do {
                try await BlockingExecutor.run("control.write") { () throws(SystemCallError) in try sendAll(client, bytes) }
            } catch {
                return
            }
        }
    }

    /// Closing a Unix socket with unread input makes the peer's next read fail with ECONNRESET, possibly
    /// before it reads our error line. So: end our side, then swallow what the peer still sends (bounded in
    /// bytes and time) before the caller closes.
    private func refuse(_ client: Int32, _ response: ControlResponse) async {
        let bytes = Self.encode(response)
        await BlockingExecutor.run("control.refuse") {
            try? sendAll(client, bytes)
            Self.finishRefusal(client)
        }
    }

    private static func finishRefusal(_ client: Int32) {
        shutdown(client, Int32(SHUT_WR))
        var discard = [UInt8](repeating: 0, count: 4096)
        var budget = 256 * 1024
        var entry = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
        while budget > 0, poll(&entry, 1, 200) == 1 {
            let count = discard.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            budget -= count
        }
    }

    private func respond(to line: [UInt8], peer: PeerCredentials) async -> ControlResponse {
        let request: ControlRequest
        do {
            request = try JSONDecoder().decode(ControlRequest.self, from: Data(line))
        } catch {
            let commands = ControlCommand.allCases.map(\.rawValue).joined(separator: ", ")
            return .failure("invalid request: expected a JSON object with \"command\" (one of \(commands))")
        }
        logger.debug("control request", metadata: ["command": "\(request.command.rawValue)", "pid": "\(peer.processID)"])
        return await handler.handle(request)
    }

    static func encode(_ response: ControlResponse) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(response)) ?? Data(#"{"ok":false,"error":"unencodable response"}"#.utf8)
        return Array(data) + [0x0A]
    }
}

/// Holds one connection's reader across blocking calls; only one read is in flight per connection.
private final class ConnectionReader: @unchecked Sendable {
    private var reader: SocketLineReader

    init(reader: SocketLineReader) { self.reader = reader }

    func readLine(wake: WakeSignal, idleTimeout: Duration) throws(SystemCallError) -> SocketLineReader.Outcome {
        try reader.readLine(wake: wake, idleTimeout: idleTimeout)
    }
}
