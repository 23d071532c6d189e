/// What one message parser concluded about one message (the text after the envelope).
enum MessageMatch {
    case hit(RuleHit)
    case noMatch
    /// Two readings of the line disagree about the source: the text was shaped by an attacker.
    case injection(String)
    /// The message has a rule's fixed structure, but a field (usually the address) is invalid.
    case malformed(String)
}

/// A rule that matched, with the fields read from server-controlled positions.
struct RuleHit {
    var rule: DetectionRule
    var source: SourceAddress
    /// Attacker-written account/extension text, kept only for counting distinct accounts.
    var account: TextSpan?
    /// Overrides the rule's default service (security events name their own).
    var service: EventService?
    /// A more precise time than the envelope's (a security event's EventTV).
    var time: Timestamp?

    init(
        _ rule: DetectionRule, _ source: SourceAddress, account: TextSpan? = nil, service: EventService? = nil,
        time: Timestamp? = nil
    ) {
        self.rule = rule
        self.source = source
        self.account = account
        self.service = service
        self.time = time
    }
}

extension TextSpan {
    /// The user part of the first `sip:`/`sips:` URI in the span (attacker text; for counting only).
    var sipUser: TextSpan? {
        guard let scheme = firstOffset(of: "sip:") ?? firstOffset(of: "sips:") else { return nil }
        let userStart = scheme + (matches("sips:", at: scheme) ? 5 : 4)
        var offset = userStart
        while offset < end {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "@") { return offset > userStart ? slice(from: userStart, to: offset) : nil }
            if byte == UInt8(ascii: ">") || byte == UInt8(ascii: ";") || byte == UInt8(ascii: "'") { return nil }
            offset += 1
        }
        return nil
    }
}
