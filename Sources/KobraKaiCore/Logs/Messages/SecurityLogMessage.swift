/// res_security_log.c lines: `SecurityEvent="NAME",EventTV="…",Severity="…",Service="…",EventVersion="…",
/// AccountID="…",SessionID="…",LocalAddress="…",RemoteAddress="…"[,Optional="…"]…`.
///
/// Values are not escaped, and for PJSIP the AccountID (From user, %-decoded) and SessionID (Call-ID) are
/// attacker text before RemoteAddress, while the digest Challenge/Response can be attacker text after it.
/// So RemoteAddress is located twice: the first `,RemoteAddress="` holding a valid address (left reading)
/// and the last one whose remaining tail is a clean `(,Key="value")*` sequence (right reading, fail2ban's
/// anchoring). They must agree, or the line is reported as an injection attempt (§6.4 (3)).
enum SecurityLogMessage {
    static func parse(_ message: TextSpan, context: TimeContext) -> MessageMatch {
        guard message.hasPrefix("SecurityEvent=\"") else { return .noMatch }
        let nameStart = message.start + 15
        guard let nameEnd = message.firstOffset(of: "\",", from: nameStart) else {
            return .malformed("security event without fields")
        }
        guard let kind = SecurityEventKind(name: message.slice(from: nameStart, to: nameEnd)) else {
            return .malformed("unknown security event type")
        }
        // EventTV, Severity, Service and EventVersion are server-written and come first: read them in order.
        var cursor = nameEnd + 1
        var eventTime: Timestamp?
        var service: EventService?
        for (index, key) in (["EventTV", "Severity", "Service", "EventVersion"] as [StaticString]).enumerated() {
            guard message.matches(",", at: cursor), message.matches(key, at: cursor + 1),
                message.matches("=\"", at: cursor + 1 + key.utf8CodeUnitCount)
            else { return .malformed("security event fields out of order") }
            let valueStart = cursor + 3 + key.utf8CodeUnitCount
            guard let valueEnd = message.firstOffset(of: UInt8(ascii: "\""), from: valueStart) else {
                return .malformed("security event with an unterminated field")
            }
            let value = message.slice(from: valueStart, to: valueEnd)
            if index == 0 { eventTime = LogDateParser.parse(value, context: context) }
            if index == 2 { service = SecurityAddress.service(value) }
            cursor = valueEnd + 1
        }
        let left = leftReading(message, from: cursor)
        let right: SourceAddress?
        if let left, message.lastOffset(of: ",RemoteAddress=\"") == left.marker {
            // Only one RemoteAddress key: both readings are that key; the tail after it must still be clean.
            right = isCleanTail(message.from(left.valueEnd + 1)) ? left.source : nil
        } else {
            right = rightReading(message, from: cursor)
        }
        switch (left, right) {
        case (nil, nil):
            return .malformed("security event without a valid RemoteAddress")
        case (let left?, let right?) where left.source == right:
            return .hit(
                RuleHit(
                    kind.rule, left.source, account: account(in: message, from: cursor), service: service,
                    time: eventTime))
        default:
            return .injection("security event: RemoteAddress readings disagree (forged field in an unescaped value)")
        }
    }

    private static func value(after marker: Int, in message: TextSpan) -> TextSpan? {
        let start = marker + 16
        guard let close = message.firstOffset(of: UInt8(ascii: "\""), from: start) else { return nil }
        return message.slice(from: start, to: close)
    }

    private static func leftReading(_ message: TextSpan, from: Int) -> (
        source: SourceAddress, marker: Int, valueEnd: Int
    )? {
        var offset = from
        while let marker = message.firstOffset(of: ",RemoteAddress=\"", from: offset) {
            if let text = value(after: marker, in: message), let source = SecurityAddress.parse(text) {
                return (source, marker, text.end)
            }
            offset = marker + 1
        }
        return nil
    }

    private static func rightReading(_ message: TextSpan, from: Int) -> SourceAddress? {
        guard let marker = message.lastOffset(of: ",RemoteAddress=\""), marker >= from,
            let text = value(after: marker, in: message), isCleanTail(message.from(text.end + 1))
        else { return nil }
        return SecurityAddress.parse(text)
    }

    /// Whether `tail` is exactly a sequence of `,Key="value"` with identifier keys and quote-free values.
    private static func isCleanTail(_ tail: TextSpan) -> Bool {
        var offset = tail.start
        while offset < tail.end {
            guard tail.byte(at: offset) == UInt8(ascii: ",") else { return false }
            offset += 1
            let keyStart = offset
            while tail.byte(at: offset).isIdentifierByte { offset += 1 }
            guard offset > keyStart, tail.matches("=\"", at: offset),
                let close = tail.firstOffset(of: UInt8(ascii: "\""), from: offset + 2)
            else { return false }
            offset = close + 1
        }
        return true
    }

    private static func account(in message: TextSpan, from: Int) -> TextSpan? {
        guard let marker = message.firstOffset(of: ",AccountID=\"", from: from) else { return nil }
        let start = marker + 12
        let end = message.firstOffset(of: "\",", from: start) ?? message.end - 1
        return end > start ? message.slice(from: start, to: end) : nil
    }
}
