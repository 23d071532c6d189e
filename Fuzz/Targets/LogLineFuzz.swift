import KobraKaiAddress
import KobraKaiCore

// Log line parser: every line of the input goes, in order, through one `LogLineParser` (so packet-dump
// state carries across lines as in a real log). Invariants for every event:
// - its address formats to canonical text that parses back to the same address;
// - that address is written in the line (the parser never invents or assembles an address);
// - the line has an envelope: it starts like one of the supported layouts and has a `:` separator
//   (checked independently of the parser's own envelope code);
// - the event carries the line number it was parsed with and the log-file origin.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var parser = LogLineParser(context: TimeContext(year: 2024))
    for (index, line) in fuzzLines(fuzzBytes(start, count)).enumerated() {
        let result = line.withUnsafeBufferPointer { parser.parse($0, lineNumber: index + 1) }
        guard case .event(let event) = result else { continue }
        let visible = withoutColourSequences(line)
        checkAddressRoundTrip(event.address, context: "log line \(index + 1)")
        fuzzCheck(event.line == index + 1, "event line number \(String(describing: event.line)) for line \(index + 1)")
        fuzzCheck(event.origin == .logFile, "log event with origin \(event.origin)")
        // JSON records may spell the message with escapes; their address is checked against the raw
        // record only when it is written plainly.
        if visible.first != UInt8(ascii: "{") {
            fuzzCheck(addressAppears(event.address, in: visible), "event address \(event.address) is not in line \(index + 1)")
            fuzzCheck(looksLikeEnvelope(visible), "event from line \(index + 1), which has no envelope")
        }
    }
    return 0
}

/// The line as the parser sees it after removing terminal colour sequences (ESC [ … final byte) and a CR.
private func withoutColourSequences(_ line: ArraySlice<UInt8>) -> [UInt8] {
    var output: [UInt8] = []
    var index = line.startIndex
    while index < line.endIndex {
        if line[index] == 0x1B, index + 1 < line.endIndex, line[index + 1] == UInt8(ascii: "[") {
            index += 2
            while index < line.endIndex && !(0x40...0x7E).contains(line[index]) { index += 1 }
            index += 1
            continue
        }
        output.append(line[index])
        index += 1
    }
    if output.last == 0x0D { output.removeLast() }
    return output
}

/// Every supported layout starts with `[` (Asterisk with a date), an upper-case letter (Asterisk without a
/// date, syslog month), a digit (RFC 3339, FreeSWITCH, Kamailio stderr) or a space (Kamailio stderr), and
/// has a `:` between envelope and message. Continuation lines and packet dumps start otherwise or lack it.
private func looksLikeEnvelope(_ line: [UInt8]) -> Bool {
    guard let first = line.first, line.contains(UInt8(ascii: ":")) else { return false }
    switch first {
    case UInt8(ascii: "["), UInt8(ascii: " "), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        return true
    default:
        return false
    }
}
