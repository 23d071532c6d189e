import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Serves `GET /metrics` (and `HEAD`) over HTTP/1.1 for Prometheus, as a service that stops with the daemon.
///
/// Built on SwiftNIO's HTTP/1.1 codec rather than a hand-written parser: the daemon runs as root on hosts
/// under attack, and the endpoint may be reachable by more than Prometheus, so request parsing (request line,
/// header limits, chunked bodies, pipelining, keep-alive) is left to a parser that has been fuzzed and
/// hardened for years. NIO is already in the process for AsyncHTTPClient (CrowdSec, webhook alerts).
/// Malformed requests get NIO's `400 Bad Request` and the connection closes; unknown paths get 404, other
/// methods on `/metrics` 405. Connections idle for `idleTimeout` are closed, and at most
/// `maximumConnections` are served at once, so a slow client cannot pin resources.
public final class MetricsHTTPServer: Service, Sendable {
    public typealias Exposition = @Sendable () async -> [UInt8]
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    private let channel: NIOAsyncChannel<Connection, Never>
    private let exposition: Exposition
    private let logger: Logger
    private let maximumConnections: Int
    private let openConnections = Atomic<Int>(0)
    /// The port actually bound (useful with port 0 in tests).
    public let port: Int

    /// Binds at once, so a port in use is reported at start-up, not later.
    /// - Parameter exposition: the body of a `/metrics` answer (called per request).
    public static func bind(
        host: String, port: Int, exposition: @escaping Exposition, idleTimeout: TimeAmount = .seconds(30),
        maximumConnections: Int = 16, logger: Logger = Logger(label: "kobrakai.metrics")
    ) async throws -> MetricsHTTPServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 32)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { child in
                child.eventLoop.makeCompletedFuture {
                    // withErrorHandling: a request NIO cannot parse is answered 400 and the connection closed.
                    try child.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try child.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: idleTimeout))
                    try child.pipeline.syncOperations.addHandler(IdleConnectionCloser())
                    return try Connection(wrappingChannelSynchronously: child)
                }
            }
        return MetricsHTTPServer(channel: channel, exposition: exposition, logger: logger, maximumConnections: maximumConnections)
    }

    private init(channel: NIOAsyncChannel<Connection, Never>, exposition: @escaping Exposition, logger: Logger, maximumConnections: Int) {
        self.channel = channel
        self.exposition = exposition
        self.logger = logger
        self.maximumConnections = maximumConnections
        port = channel.channel.localAddress?.port ?? 0
    }

    public func run() async throws {
        let server = channel.channel
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await channel.executeThenClose { connections in
                    for try await connection in connections {
                        guard openConnections.add(1, ordering: .relaxed).newValue <= maximumConnections else {
                            openConnections.subtract(1, ordering: .relaxed)
                            try? await connection.channel.close()
                            continue
                        }
                        group.addTask {
                            defer { self.openConnections.subtract(1, ordering: .relaxed) }
                            // Keep-alive connections (Prometheus keeps one open) end with the daemon.
                            await cancelWhenGracefulShutdown { await self.serve(connection) }
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            server.close(promise: nil)
        }
    }

    private func serve(_ connection: Connection) async {
        do {
            try await connection.executeThenClose { requests, responses in
                var head: HTTPRequestHead?
                for try await part in requests {
                    switch part {
                    case .head(let requestHead): head = requestHead
                    case .body: continue  // a body on GET is allowed and ignored
                    case .end:
                        guard let request = head else { continue }
                        head = nil
                        try await answer(request, into: responses)
                        if !request.isKeepAlive { return }
                    }
                }
            }
        } catch {
            // Parse errors were already answered with 400 by NIO; resets and idle closes land here too.
            logger.debug("metrics connection ended", metadata: ["error": "\(error)"])
        }
    }

    private func answer(_ request: HTTPRequestHead, into responses: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>) async throws {
        let path = request.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        var headers = HTTPHeaders()
        let status: HTTPResponseStatus
        var body: [UInt8]
        switch (path, request.method) {
        case ("/metrics", .GET), ("/metrics", .HEAD):
            status = .ok
            body = await exposition()
            headers.add(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
        case ("/metrics", _):
            status = .methodNotAllowed
            body = Array("only GET and HEAD are served here\n".utf8)
            headers.add(name: "Allow", value: "GET, HEAD")
        default:
            status = .notFound
            body = Array("not found: metrics are at /metrics\n".utf8)
        }
        if status != .ok { headers.add(name: "Content-Type", value: "text/plain; charset=utf-8") }
        headers.add(name: "Content-Length", value: String(body.count))
        if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
        if request.method == .HEAD { body = [] }
        try await responses.write(.head(HTTPResponseHead(version: request.version, status: status, headers: headers)))
        if !body.isEmpty { try await responses.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
        try await responses.write(.end(nil))
    }
}
