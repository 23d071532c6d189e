/// chan_sip.c NOTICEs with a source address:
///
///     Registration from 'TO-HEADER' failed for 'ADDR[:PORT]' - REASON
///     Call from 'PEER' (ADDR:PORT) to extension 'EXTEN' rejected because extension not found in context 'CTX'.
///     hacking attempt detected 'ADDR'                                  (patched builds only)
///
/// The registration line starts with the attacker's whole To header and ends with a fixed reason, so it is
/// read from the end: the address is between the last `' failed for '` and `' - REASON`.
/// Lines without an address (`Failed to authenticate device …`, outbound `Failed to authenticate on …`)
/// are deliberately not rules: their only address-like text comes from the attacker's From header.
enum ChanSIPMessage {
    static func parse(_ message: TextSpan) -> MessageMatch {
        if message.hasPrefix("Registration from '") { return parseRegistration(message) }
        if message.hasPrefix("Call from '") { return ExtensionNotFoundMessage.parse(message, pjsip: false) }
        if message.hasPrefix("hacking attempt detected '") {
            let quoted = message.slice(from: message.start + 26, to: message.end - 1)
            guard message.last == UInt8(ascii: "'") else { return .noMatch }
            guard let source = SourceAddress.parse(quoted, port: .optional) else {
                return .malformed("hacking-attempt line with an invalid address")
            }
            return .hit(RuleHit(RuleCatalogue.sipHackingAttempt, source))
        }
        return .noMatch
    }

    private static func parseRegistration(_ message: TextSpan) -> MessageMatch {
        for candidate in RuleCatalogue.chanSIPRegistrationReasons {
            let reasonLength = candidate.reason.utf8CodeUnitCount
            guard message.hasSuffix(candidate.reason), message.matches("' - ", at: message.end - reasonLength - 4)
            else { continue }
            let close = message.end - reasonLength - 4
            guard let marker = message.upTo(close).lastOffset(of: "' failed for '") else {
                return .malformed("registration failure without an address")
            }
            guard let source = SourceAddress.parse(message.slice(from: marker + 14, to: close), port: .optional) else {
                return .malformed("registration failure with an invalid address")
            }
            let toHeader = message.slice(from: message.start + 19, to: marker)
            return .hit(RuleHit(candidate.rule, source, account: toHeader.sipUser))
        }
        return message.firstOffset(of: "' failed for '") == nil
            ? .noMatch : .malformed("unknown registration failure reason")
    }
}
