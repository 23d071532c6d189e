import KobraKaiAddress
import KobraKaiCore

// Operator `<HOST>` patterns: compile the first line of the input as a pattern, match every other line.
// Invariants: compiling and matching never crash or hang (the matcher promises linear time; -timeout
// catches a runaway); a captured address is canonical and is written in the line it was captured from.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let lines = fuzzLines(fuzzBytes(start, count))
    guard let first = lines.first else { return 0 }
    let source = String(decoding: first, as: UTF8.self)
    guard let pattern = try? CustomPattern(name: "fuzz", pattern: source, severity: .high) else { return 0 }
    let matcher = CustomRuleMatcher(patterns: [pattern])
    for line in lines.dropFirst() {
        let text = String(decoding: line, as: UTF8.self)
        guard let address = pattern.match(line: Substring(text)) else { continue }
        checkAddressRoundTrip(address, context: "pattern \(source.debugDescription)")
        fuzzCheck(addressAppears(address, in: text.utf8), "pattern \(source.debugDescription) captured \(address), not in \(text.debugDescription)")
        let event = matcher.event(forLine: Substring(text), time: nil)
        fuzzCheck(event?.address == address, "matcher and pattern disagree on \(text.debugDescription)")
    }
    return 0
}
