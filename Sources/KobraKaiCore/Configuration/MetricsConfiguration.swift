import KobraKaiAddress

/// The `metrics` section: the Prometheus endpoint. Off by default, and on loopback unless the operator says
/// otherwise: the exposition names the rules attackers trip and the sources being followed, which is
/// reconnaissance material on a public interface.
public struct MetricsConfiguration: Hashable, Sendable {
    /// Serves `GET /metrics` when true.
    public var enabled = false
    /// The address to listen on. A non-loopback address needs `allowRemote`.
    public var address: IPAddress = .v4(IPv4Address(127, 0, 0, 1))
    /// 9868: unused by the exporters in Prometheus' default port allocation list at the time of writing.
    public var port = 9868
    /// Allows a non-loopback `address` (a warning is logged at load time).
    public var allowRemote = false

    public init() {}
}
