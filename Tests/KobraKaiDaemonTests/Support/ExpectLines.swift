import Testing

/// Compares received lines with the expected ones and reports the count and the first difference only
/// (a full dump of thousands of lines helps nobody).
func expectSameLines(
    _ received: [String], _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation
) {
    guard received != expected else { return }
    let common = min(received.count, expected.count)
    let firstDifference = (0..<common).first { received[$0] != expected[$0] } ?? common
    let got = firstDifference < received.count ? received[firstDifference] : "<end>"
    let wanted = firstDifference < expected.count ? expected[firstDifference] : "<end>"
    Issue.record(
        "received \(received.count) lines, expected \(expected.count); first difference at \(firstDifference): got \"\(got)\", expected \"\(wanted)\"",
        sourceLocation: sourceLocation)
}
