import KobraKaiCore

/// Everything the AMI client needs: where to connect, the session (credentials, ping, timeouts, frame
/// limits) and the reconnect schedule. Built from the configuration's `ami` section by `load(_:)`, which
/// reads the secret file; the daemon builds a fresh value on every reload and hands it to
/// `AMIClientService.reload(_:)`.
public struct AMIClientSettings: Sendable, Hashable, CustomStringConvertible {
    /// Frame limits for a real Asterisk: far above anything it can send (a PJSIP SessionID is a Call-ID,
    /// bounded by the 64 KiB SIP packet), so an overrun means the peer is not speaking AMI and the
    /// connection is reset. A smaller limit would let an attacker's long Call-ID force reconnects, and
    /// Asterisk does not replay events missed meanwhile.
    public static let asteriskFrameLimits = AMIFrameDecoder.Limits(
        maximumLineLength: 128 * 1024, maximumMessageBytes: 256 * 1024, maximumFields: 128)

    /// A host name, an IPv4 address or an IPv6 address (without brackets).
    public var host: String
    public var port: UInt16
    /// Credentials, ping interval, response timeout (also used as the TCP connect timeout), frame limits.
    public var session: AMIClientConfiguration
    /// The first reconnect delay ceiling; doubles per consecutive failure up to `reconnectDelayMax`.
    public var reconnectDelay: Duration
    public var reconnectDelayMax: Duration
    /// The first wait after the manager refused the credentials; doubles up to `authFailureDelayMax`.
    public var authFailureDelay: Duration
    public var authFailureDelayMax: Duration
    /// A connection logged in at least this long counts as healthy: the reconnect delay starts over.
    /// (Resetting at login would let a manager that accepts the login and then drops retry in a tight loop.)
    public var healthyAfter: Duration
    /// At shutdown, how long to wait for the manager's Goodbye after sending Logoff.
    public var logoffGrace: Duration

    public init(
        host: String, port: UInt16, session: AMIClientConfiguration, reconnectDelay: Duration = .seconds(5),
        reconnectDelayMax: Duration = .seconds(300), authFailureDelay: Duration = .seconds(60),
        authFailureDelayMax: Duration = .seconds(3600), healthyAfter: Duration = .seconds(30),
        logoffGrace: Duration = .seconds(1)
    ) {
        self.host = host
        self.port = port
        self.session = session
        self.reconnectDelay = reconnectDelay
        self.reconnectDelayMax = max(reconnectDelayMax, reconnectDelay)
        self.authFailureDelay = authFailureDelay
        self.authFailureDelayMax = max(authFailureDelayMax, authFailureDelay)
        self.healthyAfter = healthyAfter
        self.logoffGrace = logoffGrace
    }

    /// Builds the settings from the configuration's `ami` section, reading `secret_file` if given.
    /// - Throws: `AMISettingsError` naming the key or file to fix (the caller keeps the previous settings
    ///   on reload).
    public static func load(_ configuration: AMIConfiguration) throws(AMISettingsError) -> AMIClientSettings {
        let secret: String
        switch (configuration.secret, configuration.secretFile) {
        case (let inline?, nil): secret = inline
        case (nil, let path?): secret = try AMISecretFile.read(path)
        default: throw .missingSecret
        }
        guard !configuration.host.isEmpty, !configuration.host.utf8.contains(where: { $0 <= 0x20 || $0 == 0x2F }) else {
            throw .invalidHost(configuration.host)
        }
        guard let port = UInt16(exactly: configuration.port), port > 0 else { throw .invalidPort(configuration.port) }
        let session: AMIClientConfiguration
        do {
            session = try AMIClientConfiguration(
                username: configuration.username, secret: secret, pingInterval: configuration.pingInterval,
                responseTimeout: configuration.responseTimeout, limits: asteriskFrameLimits)
        } catch {
            switch error {
            case .unsafeCredential(let field): throw .unsafeCredential(field: field)
            }
        }
        return AMIClientSettings(
            host: configuration.host, port: port, session: session, reconnectDelay: configuration.reconnectDelay,
            reconnectDelayMax: configuration.reconnectDelayMax, authFailureDelay: configuration.authFailureDelay)
    }

    /// `host:port`, with brackets around an IPv6 address.
    public var endpoint: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Never includes the secret (settings end up in log lines).
    public var description: String {
        "AMI \(session.username)@\(endpoint) (ping \(session.pingInterval), timeout \(session.responseTimeout))"
    }
}
