import KobraKaiAddress

/// A policy's verdict: ban this target for this long, for this reason.
public struct BanDecision: Hashable, Sendable {
    public var target: IPPrefix
    public var duration: Duration
    /// Rule, count and window, e.g. `PJSIP invalid password x5 in 60s`; stored and shown to operators.
    public var reason: String
    /// What the evidence came from: `log`, `ami`, `operator`.
    public var origin: String

    public init(target: IPPrefix, duration: Duration, reason: String, origin: String) {
        self.target = target
        self.duration = duration
        self.reason = reason
        self.origin = origin
    }
}
