/// `res_pjsip/pjsip_distributor.c` `log_failed_request()` lines, every version:
///
///     Request 'METHOD' from 'FROM' failed for 'ADDR' (callid: CALLID) - REASON[ after N tries in X ms]
///     Request from 'FROM' failed for 'ADDR:PORT' (callid: CALLID) - No matching endpoint found   (13.0–13.9)
///
/// The From header (before the address) and the Call-ID (after it) are both attacker text, so the line is
/// read twice: left to right (the first `' failed for '` followed by a valid address and `' (callid: `) and
/// right to left (the last `' failed for '`). An honest line gives the same address both ways; a line whose
/// readings disagree was forged and bans nobody (§6.4 (1) and (2) of the format reference).
enum PJSIPDistributorMessage {
    private static let reasons: [(text: StaticString, rule: DetectionRule)] = [
        ("No matching endpoint found", RuleCatalogue.pjsipNoEndpoint),
        ("Not match Endpoint ACL", RuleCatalogue.pjsipEndpointACL),
        ("Not match Endpoint Contact ACL", RuleCatalogue.pjsipContactACL),
        ("Failed to authenticate", RuleCatalogue.pjsipAuthFailed),
        ("Error to authenticate", RuleCatalogue.pjsipAuthError),
    ]
    private static let addressPort = SourceAddress.PortForm.required(unbracketedIPv6: true)

    static func parse(_ message: TextSpan) -> MessageMatch {
        guard message.hasPrefix("Request ") else { return .noMatch }
        guard let rule = reason(of: withoutCountedSuffix(message)) else {
            return message.firstOffset(of: "' failed for '") == nil
                ? .noMatch : .malformed("unknown distributor reason")
        }
        let left = leftReading(message)
        let right = rightReading(message)
        switch (left, right) {
        case (nil, nil):
            return .malformed("distributor line without a valid source address")
        case (let left?, let right?) where left.source == right.source:
            let from = message.slice(from: message.start, to: left.offset)
            return .hit(RuleHit(rule, left.source, account: from.sipUser))
        default:
            return .injection("distributor line: From and Call-ID readings give different source addresses")
        }
    }

    /// Strips ` after N tries in X.XXX ms`, which only `auth_username` identification mode adds.
    private static func withoutCountedSuffix(_ message: TextSpan) -> TextSpan {
        guard message.hasSuffix(" ms"), let after = message.lastOffset(of: " after ") else { return message }
        let counted = message.slice(from: after + 7, to: message.end - 3)
        guard let tries = counted.firstOffset(of: " tries in "),
            counted.upTo(tries).decimalValue() != nil
        else { return message }
        let period = counted.from(tries + 10)
        guard !period.isEmpty,
            period.allSatisfy({ $0.isASCIIDigit || $0 == UInt8(ascii: ".") }),
            period.first.isASCIIDigit
        else { return message }
        return message.upTo(after)
    }

    private static func reason(of message: TextSpan) -> DetectionRule? {
        for candidate in reasons {
            let length = candidate.text.utf8CodeUnitCount
            if message.hasSuffix(candidate.text), message.matches(") - ", at: message.end - length - 4) {
                return candidate.rule
            }
        }
        return nil
    }

    /// The first `' failed for '` whose quoted text is a valid address followed by `' (callid: `.
    private static func leftReading(_ message: TextSpan) -> (source: SourceAddress, offset: Int)? {
        var searchFrom = message.start
        while let marker = message.firstOffset(of: "' failed for '", from: searchFrom) {
            if let source = address(after: marker, in: message) { return (source, marker) }
            searchFrom = marker + 1
        }
        return nil
    }

    /// The last `' failed for '`, which must hold a valid address.
    private static func rightReading(_ message: TextSpan) -> (source: SourceAddress, offset: Int)? {
        guard let marker = message.lastOffset(of: "' failed for '") else { return nil }
        return address(after: marker, in: message).map { ($0, marker) }
    }

    private static func address(after marker: Int, in message: TextSpan) -> SourceAddress? {
        let start = marker + 14
        guard let close = message.firstOffset(of: UInt8(ascii: "'"), from: start),
            message.matches("' (callid: ", at: close)
        else { return nil }
        return SourceAddress.parse(message.slice(from: start, to: close), port: addressPort)
    }
}
