/// "extension not found" call rejections from res_pjsip_session.c and chan_sip.c, every version:
///
///     Call from 'ENDPOINT' (UDP:ADDR:PORT) to extension 'EXTEN' rejected because extension not found in context 'CTX'.
///     Call from 'ENDPOINT' (UDP:2001:db8::7:5060) to extension …      (13.0–13.23, unbracketed IPv6)
///     NAME: Call (TLS:[2001:db8::7]:5061) to extension …              (16.15+, ast_trace_log)
///     Call from 'PEER' (ADDR:PORT) to extension …                     (chan_sip)
///
/// Everything before the address is server configuration (endpoint, peer or channel name); the attacker
/// writes only the extension, after it. So the address is read from the left.
enum ExtensionNotFoundMessage {
    static func parse(_ message: TextSpan, pjsip: Bool) -> MessageMatch {
        guard let rejected = message.lastOffset(of: "' rejected because extension not found in context '"),
            message.hasSuffix("'.")
        else { return .noMatch }
        let open: Int
        if message.hasPrefix("Call from '") {
            guard let quoteParen = message.firstOffset(of: "' (", from: message.start + 11) else {
                return .malformed("call rejection without an address")
            }
            open = quoteParen + 3
        } else if pjsip, let call = message.firstOffset(of: ": Call (") {
            open = call + 8
        } else {
            return .noMatch
        }
        guard let close = message.firstOffset(of: ") to extension '", from: open), close < rejected else {
            return .malformed("call rejection without an address")
        }
        var addressText = message.slice(from: open, to: close)
        if pjsip {
            // The transport name (UDP, TCP, TLS, WS, WSS) comes first.
            guard let colon = addressText.firstOffset(of: UInt8(ascii: ":")),
                (1...8).contains(colon - addressText.start),
                addressText.upTo(colon).allSatisfy(\.isASCIIUpper)
            else { return .malformed("call rejection without a transport") }
            addressText = addressText.from(colon + 1)
        }
        guard let source = SourceAddress.parse(addressText, port: .required(unbracketedIPv6: pjsip)) else {
            return .malformed("call rejection with an invalid address")
        }
        let rule = pjsip ? RuleCatalogue.pjsipExtensionNotFound : RuleCatalogue.sipExtensionNotFound
        return .hit(RuleHit(rule, source, account: message.slice(from: close + 16, to: rejected)))
    }
}
