/// One request line on the control socket, e.g. `{"command":"ban","address":"192.0.2.7","duration":"1h"}`.
public struct ControlRequest: Codable, Hashable, Sendable {
    public var command: ControlCommand
    /// An address or prefix, for `ban`, `unban` and `test-ip`.
    public var address: String?
    /// Duration text (`90s`, `1h`, `7d`), for `ban`.
    public var duration: String?
    public var reason: String?

    public init(command: ControlCommand, address: String? = nil, duration: String? = nil, reason: String? = nil) {
        self.command = command
        self.address = address
        self.duration = duration
        self.reason = reason
    }
}
