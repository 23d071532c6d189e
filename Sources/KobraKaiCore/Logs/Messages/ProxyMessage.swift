/// Kamailio and OpenSIPS lines with a source address:
///
///     [prefix]pike [pike_funcs.c:136]: pike_check_ipaddr(): PIKE - BLOCKing ip ADDR, node=0x7f3a1c2b4e10
///     <script>: ALERT: pike blocking REGISTER from sip:100@pbx (IP:ADDR:PORT)        (default kamailio.cfg)
///     <script>: Malformed SIP request from ADDR:PORT                                   (default kamailio.cfg)
///
/// `log_prefix` and the script's `$fu`/`$rm` can carry attacker text before the address, so every form is
/// anchored at the end of the line; pike lines are also read from the start and must agree.
enum ProxyMessage {
    static func parse(_ message: TextSpan, producer: LogEnvelope.Producer) -> MessageMatch {
        let pikeRule = producer == .openSIPS ? RuleCatalogue.openSIPSPikeBlocked : RuleCatalogue.kamailioPikeBlocked
        if let last = message.lastOffset(of: "PIKE - BLOCKing ip ") {
            guard let right = pikeAddress(message, at: last, requireEnd: true) else {
                return .malformed("pike block without a valid address")
            }
            let first = message.firstOffset(of: "PIKE - BLOCKing ip ") ?? last
            if first != last, pikeAddress(message, at: first, requireEnd: false) != right {
                return .injection("pike line: two BLOCKing addresses")
            }
            return .hit(RuleHit(pikeRule, right))
        }
        guard producer == .kamailio else { return .noMatch }
        if message.last == UInt8(ascii: ")"), let open = message.lastOffset(of: " (IP:"),
            message.firstOffset(of: "pike blocking ") != nil
        {
            guard
                let source = SourceAddress.parse(
                    message.slice(from: open + 5, to: message.end - 1),
                    port: .required(unbracketedIPv6: true))
            else { return .malformed("pike alert without a valid address") }
            return .hit(RuleHit(RuleCatalogue.kamailioPikeAlert, source))
        }
        if let marker = message.lastOffset(of: "Malformed SIP ") {
            let rest = message.from(marker + 14)
            let kindLength: Int
            if rest.hasPrefix("request from ") {
                kindLength = 13
            } else if rest.hasPrefix("response from ") {
                kindLength = 14
            } else if rest.hasPrefix("message from ") {
                kindLength = 13
            } else {
                return .noMatch
            }
            guard
                let source = SourceAddress.parse(
                    rest.dropping(first: kindLength), port: .required(unbracketedIPv6: true))
            else { return .malformed("malformed-SIP line without a valid address") }
            return .hit(RuleHit(RuleCatalogue.kamailioMalformed, source))
        }
        return .noMatch
    }

    /// `PIKE - BLOCKing ip ADDR, node=0x…` at `offset`; with `requireEnd`, the node must end the line.
    private static func pikeAddress(_ message: TextSpan, at offset: Int, requireEnd: Bool) -> SourceAddress? {
        let start = offset + 19
        guard let comma = message.firstOffset(of: ", node=", from: start) else { return nil }
        if requireEnd {
            let node = message.from(comma + 7)
            guard !node.isEmpty,
                node.allSatisfy({
                    $0.isASCIIHexDigit || $0 == UInt8(ascii: "x") || $0 == UInt8(ascii: "(")
                        || $0 == UInt8(ascii: ")") || $0 == UInt8(ascii: "n") || $0 == UInt8(ascii: "i")
                        || $0 == UInt8(ascii: "l")
                })
            else { return nil }
        }
        return SourceAddress.parse(message.slice(from: start, to: comma), port: .none)
    }
}
