#if canImport(Glibc)
    import Glibc
#endif
import KobraKaiAddress

// Shared helpers compiled into every fuzz target (see Fuzz/README.md).

/// Stops the run with a message when an invariant does not hold. libFuzzer reports the abort as a crash
/// and saves the input, exactly as for a trap or a sanitizer report.
func fuzzCheck(_ condition: Bool, _ message: @autoclosure () -> String) {
    guard !condition else { return }
    let text = Array("fuzz invariant violated: \(message())\n".utf8)
    _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    abort()
}

/// The fuzzer's input as bytes.
func fuzzBytes(_ start: UnsafeRawPointer, _ count: Int) -> [UInt8] {
    Array(UnsafeRawBufferPointer(start: start, count: count))
}

/// Splits bytes at LF, keeping empty lines (no terminator is removed besides the LF itself).
func fuzzLines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
}

/// Whether `address` is written somewhere in `text`: its canonical form, or any other spelling the strict
/// parser accepts (upper-case hex, an uncompressed IPv6 form, `::ffff:a.b.c.d`). This is the check that
/// an event's address came from the line and was not made up or assembled from pieces.
func addressAppears(_ address: IPAddress, in text: some Collection<UInt8>) -> Bool {
    let bytes = Array(text)
    let canonical = Array(address.description.utf8)
    if contains(bytes, canonical) { return true }
    // Slow path, only for non-canonical spellings: every substring of address characters up to the longest
    // possible address text (45 bytes).
    for start in bytes.indices where isAddressCharacter(bytes[start]) {
        var end = start
        while end < bytes.count && end - start < 45 && isAddressCharacter(bytes[end]) {
            end += 1
            let candidate = String(decoding: bytes[start..<end], as: UTF8.self)
            if let parsed = try? IPAddress(parsing: candidate), parsed == address { return true }
        }
    }
    return false
}

private func isAddressCharacter(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
        UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: ":"), UInt8(ascii: "."):
        true
    default: false
    }
}

private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, haystack.count >= needle.count else { return needle.isEmpty }
    for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
        if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
    }
    return false
}

/// The canonical-text invariant: `address` formats to text that parses back to `address`, and that text is
/// itself canonical (formatting the re-parsed value gives the same text).
func checkAddressRoundTrip(_ address: IPAddress, context: @autoclosure () -> String) {
    let text = address.description
    guard let reparsed = try? IPAddress(parsing: text) else {
        fuzzCheck(false, "\(context()): formatted address \(text) does not parse")
        return
    }
    fuzzCheck(reparsed == address, "\(context()): \(text) parses to \(reparsed), not to the original value")
    fuzzCheck(reparsed.description == text, "\(context()): \(text) is not canonical (re-formats to \(reparsed))")
}
