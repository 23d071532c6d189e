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
    /// Delay before reconnecting after the connection drops.
    public var reconnectDelay: Duration = .seconds(5)

    public init() {}
}
