/// The Asterisk Manager Interface connection that delivers security events in real time.
public struct AMIConfiguration: Hashable, Sendable {
    public var enabled = false
    public var host = "127.0.0.1"
    public var port = 5038
    public var username = ""
    /// The secret inline. Prefer `secretFile` (mode 0600) so the configuration can be world-readable.
    public var secret: String?
    /// A file whose first line is the secret; read by the daemon.
    public var secretFile: String?
    /// The first reconnect delay ceiling after the connection drops; it doubles per consecutive failure
    /// (each wait is drawn at random below the ceiling: full jitter).
    public var reconnectDelay: Duration = .seconds(5)
    /// The largest reconnect delay ceiling.
    public var reconnectDelayMax: Duration = .seconds(300)
    /// The first wait after the manager refused the credentials; doubles per consecutive refusal (up to an
    /// hour), so a wrong secret never hammers the PBX or trips a lockout there.
    public var authFailureDelay: Duration = .seconds(60)
    /// Idle time after which a `Ping` is sent.
    public var pingInterval: Duration = .seconds(30)
    /// How long the banner, the Login response or a Pong may take before the connection counts as dead.
    public var responseTimeout: Duration = .seconds(10)

    public init() {}
}
