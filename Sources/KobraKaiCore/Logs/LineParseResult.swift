/// The outcome of parsing one log line. Every line gets exactly one, so line counts are never lost.
public enum LineParseResult: Hashable, Sendable {
    /// A rule matched; the event's address was read from server-controlled text and validated.
    case event(SecurityEvent)
    /// No rule applies (ordinary log traffic, continuation lines, raw packet dumps).
    case noMatch
    /// Two readings of the line disagree about the source address, or a log envelope appeared where only
    /// attacker text can be (inside a raw packet dump). Nobody is banned for it; count and report it.
    case injectionSuspected(String)
    /// The line has a rule's fixed structure but an invalid field (usually the address), or cannot be
    /// decoded (broken JSON record).
    case malformed(String)
}
