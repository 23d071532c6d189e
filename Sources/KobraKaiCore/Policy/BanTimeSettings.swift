/// Progressive ban time: every repeat ban of the same target lasts `factor` times longer, up to `maximum`.
public struct BanTimeSettings: Hashable, Sendable {
    /// The first ban's duration.
    public var base: Duration = .seconds(30 * 60)
    /// Multiplier per repeat ban (1 disables escalation).
    public var factor: Double = 2
    public var maximum: Duration = .seconds(7 * 86_400)
    /// How long a ban is remembered: a target not banned again within this time starts over at `base`.
    public var history: Duration = .seconds(30 * 86_400)

    public init() {}

    /// The duration of ban number `offence` (1-based).
    public func duration(forOffence offence: Int) -> Duration {
        let baseMilliseconds = Double(base.milliseconds)
        let capMilliseconds = Double(maximum.milliseconds)
        var scaled = baseMilliseconds
        var remaining = max(0, offence - 1)
        // Multiply step by step so that a huge offence count saturates at the cap instead of overflowing.
        while remaining > 0 && scaled < capMilliseconds {
            scaled *= factor
            remaining -= 1
        }
        return .milliseconds(Int64(min(scaled, capMilliseconds)))
    }
}
