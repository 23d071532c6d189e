import KobraKaiAddress

/// A ban the engine is about to apply: the daemon's view of a policy decision or an operator ban.
public struct EngineBan: Hashable, Sendable {
    public var target: IPPrefix
    public var duration: Duration
    /// Rule, count and window, e.g. `PJSIP invalid password x5 in 60s`; stored and shown to operators.
    public var reason: String
    /// What the evidence came from: `log`, `ami`, `operator`.
    public var origin: String
    /// The catalogue rule id behind a policy decision (`nil` for operator and external bans): the bounded
    /// `reason` dimension of `kobrakai_bans_total`, where the free-text reason would not do.
    public var rule: String?

    public init(target: IPPrefix, duration: Duration, reason: String, origin: String, rule: String? = nil) {
        self.target = target
        self.duration = duration
        self.reason = reason
        self.origin = origin
        self.rule = rule
    }
}
