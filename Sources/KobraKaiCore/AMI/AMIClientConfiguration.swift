/// What the AMI client needs to log in and keep the session alive.
public struct AMIClientConfiguration: Sendable, Hashable {
    public enum Invalid: Error, Hashable, Sendable {
        /// Empty, or containing CR/LF/NUL, which would let the value inject extra AMI headers.
        case unsafeCredential(field: String)
    }

    public let username: String
    public let secret: String
    /// Idle time after which a `Ping` is sent.
    public var pingInterval: Duration
    /// How long a `Ping`, the banner or the login response may take before the peer is declared dead.
    public var responseTimeout: Duration
    public var limits: AMIFrameDecoder.Limits

    public init(
        username: String, secret: String, pingInterval: Duration = .seconds(30),
        responseTimeout: Duration = .seconds(10),
        limits: AMIFrameDecoder.Limits = AMIFrameDecoder.Limits()
    ) throws(Invalid) {
        for (name, value) in [("username", username), ("secret", secret)] {
            if value.isEmpty || value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) {
                throw .unsafeCredential(field: name)
            }
        }
        self.username = username
        self.secret = secret
        self.pingInterval = pingInterval
        self.responseTimeout = responseTimeout
        self.limits = limits
    }
}
