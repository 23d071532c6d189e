/// Follows raw SIP packets that Asterisk writes into a log on unprefixed physical lines.
///
/// Three writers do this, and every dumped line is attacker text that can imitate a whole log line (§6.4 (5)):
/// - pjproject ≤ 2.13 `Error processing N bytes packet … :` (ERROR), then the packet, then `-- end of packet.`;
/// - res_pjsip_logger `<--- Received|Transmitting SIP … (N bytes) … --->` (VERBOSE), then the packet;
/// - chan_sip debug `<--- SIP read from ADDR --->`, then the packet, then `<------------->`.
/// For the first two the announced size bounds the dump, so an attacker's fake end marker changes nothing;
/// chan_sip prints no size, so there the marker (forgeable) or a 64 KiB cap ends it. Inside a dump no line
/// produces an event, and a line carrying a log envelope is reported as an injection attempt.
struct PacketDumpTracker {
    private enum Mode {
        case idle
        /// `remaining` bytes of packet still to come, counting each line's terminator.
        case sized(remaining: Int)
        /// The packet is complete; an end marker or blank line may still follow.
        case trailer
        case untilMarker(remaining: Int)
    }

    private var mode = Mode.idle
    static let maximumDumpBytes = 65536

    var isActive: Bool {
        if case .idle = mode { return false }
        return true
    }

    mutating func startSized(bytes: Int) {
        mode = bytes > 0 ? .sized(remaining: min(bytes, Self.maximumDumpBytes)) : .trailer
    }

    /// Recognises the dump headers that are not rule matches (res_pjsip_logger, chan_sip debug) and starts
    /// following the dump. Cheap for ordinary lines: both headers end in `--->`.
    mutating func startIfDumpHeader(_ span: TextSpan) -> Bool {
        guard span.last == UInt8(ascii: ">"), span.hasSuffix(" --->") else { return false }
        if span.hasPrefix("<--- SIP read from ") {
            mode = .untilMarker(remaining: Self.maximumDumpBytes)
            return true
        }
        guard let envelope = EnvelopeParser.parse(span), envelope.file.equals("res_pjsip_logger.c") else {
            return false
        }
        let message = envelope.message
        guard message.hasPrefix("<--- Received SIP ") || message.hasPrefix("<--- Transmitting SIP "),
            let open = message.firstOffset(of: " ("),
            let close = message.firstOffset(of: " bytes) ", from: open),
            let size = message.slice(from: open + 2, to: close).decimalValue()
        else { return false }
        startSized(bytes: size)
        return true
    }

    /// The verdict for a line while a dump is active, or nil when the line is past the dump and must be
    /// parsed normally.
    mutating func consume(_ span: TextSpan, rawLength: Int) -> LineParseResult? {
        switch mode {
        case .idle:
            return nil
        case .sized(let remaining):
            let left = remaining - (rawLength + 1)
            mode = left > 0 ? .sized(remaining: left) : .trailer
            return verdictInsideDump(span)
        case .trailer:
            if span.isEmpty { return .noMatch }
            mode = .idle
            return span.equals("-- end of packet.") ? .noMatch : nil
        case .untilMarker(let remaining):
            if span.equals("<------------->") {
                mode = .idle
                return .noMatch
            }
            let left = remaining - (rawLength + 1)
            mode = left > 0 ? .untilMarker(remaining: left) : .idle
            return verdictInsideDump(span)
        }
    }

    private func verdictInsideDump(_ span: TextSpan) -> LineParseResult {
        EnvelopeParser.parse(span) != nil ? .injectionSuspected("log line inside a raw SIP packet dump") : .noMatch
    }
}
