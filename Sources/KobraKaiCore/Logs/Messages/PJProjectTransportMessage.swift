/// pjproject `sip_transport.c` parse failures forwarded by res_pjproject (file `pjproject`):
///
///     \t       sip_transport.c Error processing 58 bytes packet from UDP 198.51.100.7:5080 : DETAIL:   (≤ 2.13)
///     \t       sip_transport.c Dropping 611 bytes packet from UDP 198.51.100.7:5080 : DETAIL        (≥ 2.14)
///
/// The address comes right after the fixed text, before the attacker-influenced detail, so it is read from
/// the left. Returns the announced packet size for the old form, whose raw packet follows on the next lines.
enum PJProjectTransportMessage {
    struct Result {
        var match: MessageMatch
        /// Bytes of raw packet that follow on unprefixed lines (old "Error processing" form only).
        var dumpedPacketBytes: Int?
    }

    static func parse(_ message: TextSpan) -> Result {
        var text = message.trimmed
        // Skip the right-aligned sender ("sip_transport.c") when present.
        if !text.hasPrefix("Error processing "), !text.hasPrefix("Dropping "),
            let space = text.firstOffset(of: UInt8(ascii: " "))
        {
            text = text.from(space).trimmed
        }
        let isError = text.hasPrefix("Error processing ")
        guard isError || text.hasPrefix("Dropping ") else { return Result(match: .noMatch) }
        let sizeStart = text.start + (isError ? 17 : 9)
        guard let sizeEnd = text.firstOffset(of: " bytes packet from ", from: sizeStart),
            let size = text.slice(from: sizeStart, to: sizeEnd).decimalValue()
        else { return Result(match: .noMatch) }
        let transportStart = sizeEnd + 19
        guard let transportEnd = text.firstOffset(of: UInt8(ascii: " "), from: transportStart),
            (1...8).contains(transportEnd - transportStart),
            text.slice(from: transportStart, to: transportEnd).allSatisfy({ $0.isASCIIUpper || $0.isASCIIDigit })
        else { return Result(match: .malformed("pjproject packet line without a transport")) }
        let addressEnd = text.firstOffset(of: UInt8(ascii: " "), from: transportEnd + 1) ?? text.end
        let dumped = isError && text.last == UInt8(ascii: ":") ? min(size, 1 << 16) : nil
        guard
            let source = SourceAddress.parse(
                text.slice(from: transportEnd + 1, to: addressEnd), port: .required(unbracketedIPv6: true))
        else {
            return Result(match: .malformed("pjproject packet line with an invalid address"), dumpedPacketBytes: dumped)
        }
        let rule = isError ? RuleCatalogue.pjsipPacketError : RuleCatalogue.pjsipPacketDropped
        return Result(match: .hit(RuleHit(rule, source)), dumpedPacketBytes: dumped)
    }
}
