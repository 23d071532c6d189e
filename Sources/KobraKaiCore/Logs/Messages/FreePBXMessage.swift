/// FreePBX `[from-sip-external]` dialplan warning (file `Ext. s`), whose address is `CHANNEL(recvip)` or
/// `CHANNEL(pjsip,remote_addr)`: the channel's real source. The whole message must be exactly
/// `"Rejecting unknown SIP connection from ADDR[:PORT]"`, quotes included. The spoofable
/// `Friendly Scanner from <Via host>` warning is deliberately not a rule.
enum FreePBXMessage {
    static func parse(_ message: TextSpan) -> MessageMatch {
        guard message.hasPrefix("\"Rejecting unknown SIP connection from "), message.last == UInt8(ascii: "\""),
            message.count > 40
        else { return .noMatch }
        guard
            let source = SourceAddress.parse(
                message.slice(from: message.start + 39, to: message.end - 1), port: .optional)
        else { return .malformed("FreePBX rejection with an invalid address") }
        return .hit(RuleHit(RuleCatalogue.freePBXRejectedConnection, source))
    }
}
