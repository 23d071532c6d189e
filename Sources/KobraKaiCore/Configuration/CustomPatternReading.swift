import KobraKaiAddress

/// What one operator pattern read from one line that fits it.
public enum CustomPatternReading: Hashable, Sendable {
    /// The one address `<HOST>` captures.
    case address(IPAddress)
    /// The line fits the pattern with two different addresses in `<HOST>`. Attacker text placed in the
    /// line is the likeliest cause, so nobody is banned for it and it is reported as a suspected injection.
    case ambiguous
}
