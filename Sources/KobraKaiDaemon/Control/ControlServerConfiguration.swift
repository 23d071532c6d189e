/// Where the control socket lives and who may use it.
public struct ControlServerConfiguration: Hashable, Sendable {
    public static let defaultPath = "/run/kobrakai/control.sock"

    public var path: String
    /// Peers whose SO_PEERCRED uid is not in this set get one error line and are disconnected. Root only
    /// in production; tests allow their own uid.
    public var allowedUserIDs: Set<UInt32>
    /// Longest request line accepted; a longer one is answered with an error and the connection closed.
    public var maxRequestLength: Int
    /// A connection silent this long is closed, so an idle client cannot hold a slot forever.
    public var idleTimeout: Duration

    public init(
        path: String = Self.defaultPath, allowedUserIDs: Set<UInt32> = [0], maxRequestLength: Int = 16 * 1024,
        idleTimeout: Duration = .seconds(60)
    ) {
        self.path = path
        self.allowedUserIDs = allowedUserIDs
        self.maxRequestLength = maxRequestLength
        self.idleTimeout = idleTimeout
    }
}
