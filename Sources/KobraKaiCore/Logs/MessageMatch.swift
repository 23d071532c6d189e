/// What one message parser concluded about one message (the text after the envelope).
enum MessageMatch {
    case hit(RuleHit)
    case noMatch
    /// Two readings of the line disagree about the source: the text was shaped by an attacker.
    case injection(String)
    /// The message has a rule's fixed structure, but a field (usually the address) is invalid.
    case malformed(String)
}
