/// `res_pjsip_registrar.c` WARNINGs. The address is the raw `src_name:src_port` in parentheses (IPv6
/// unbracketed). The AOR name is the attacker's To user: where it comes before the address the address is
/// read from the end, where it comes after, from the start.
enum PJSIPRegistrarMessage {
    private static let addressPort = SourceAddress.PortForm.required(unbracketedIPv6: true)

    static func parse(_ message: TextSpan) -> MessageMatch {
        if message.hasPrefix("AOR '") {
            if message.hasSuffix(")"), message.firstOffset(of: "' not found for endpoint '") != nil {
                let aor = message.slice(
                    from: message.start + 5, to: message.lastOffset(of: "' not found for endpoint '") ?? message.start)
                return addressInLastParentheses(
                    message, suffix: ")", rule: RuleCatalogue.pjsipAORNotFound, account: aor)
            }
            if message.hasSuffix(") unable to register"),
                message.firstOffset(of: "' has no configured max_contacts. Endpoint '") != nil
            {
                return addressInLastParentheses(
                    message, suffix: ") unable to register", rule: RuleCatalogue.pjsipNoMaxContacts)
            }
            return .noMatch
        }
        if message.hasPrefix("Endpoint '") {
            if message.hasSuffix(") has no configured AORs") {
                return addressInLastParentheses(
                    message, suffix: ") has no configured AORs", rule: RuleCatalogue.pjsipNoAORs)
            }
            if message.hasSuffix(") attempted to register to an AOR with a non-SIP URI") {
                return addressInLastParentheses(
                    message, suffix: ") attempted to register to an AOR with a non-SIP URI",
                    rule: RuleCatalogue.pjsipNonSIPURI)
            }
            return .noMatch
        }
        if message.hasPrefix("Registration attempt from endpoint '") {
            guard let open = message.firstOffset(of: "' (", from: message.start + 36),
                let close = message.firstOffset(of: ") to AOR '", from: open + 3),
                message.firstOffset(of: "' will exceed max contacts of ", from: close) != nil
            else { return .noMatch }
            guard let source = SourceAddress.parse(message.slice(from: open + 3, to: close), port: addressPort) else {
                return .malformed("registrar line with an invalid address")
            }
            return .hit(RuleHit(RuleCatalogue.pjsipMaxContactsExceeded, source))
        }
        return .noMatch
    }

    private static func addressInLastParentheses(
        _ message: TextSpan, suffix: StaticString, rule: DetectionRule, account: TextSpan? = nil
    ) -> MessageMatch {
        let close = message.end - suffix.utf8CodeUnitCount
        guard let open = message.upTo(close).lastOffset(of: UInt8(ascii: "(")),
            message.matches("' (", at: open - 2)
        else { return .malformed("registrar line without an address") }
        guard let source = SourceAddress.parse(message.slice(from: open + 1, to: close), port: addressPort) else {
            return .malformed("registrar line with an invalid address")
        }
        return .hit(RuleHit(rule, source, account: account))
    }
}
