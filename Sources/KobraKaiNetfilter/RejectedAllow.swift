import KobraKaiAddress
import KobraKaiFirewall

/// An allowlist change the kernel refused for one target (e.g. it overlaps an existing entry).
public struct RejectedAllow: Hashable, Sendable {
    public var target: IPPrefix
    public var error: FirewallError
}
