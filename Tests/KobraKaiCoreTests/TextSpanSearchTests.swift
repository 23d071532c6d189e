import Testing

@testable import KobraKaiCore

/// The vectorised searches of `TextSpan` against plain byte loops, on random text around the edges of
/// 16-byte blocks, with the span inside a larger buffer full of matches it must not see.
@Suite("TextSpan searches")
struct TextSpanSearchTests {
    static let literals: [StaticString] = [",RemoteAddress=\"", "\",", "a", "ab", ",a\"", "aaaaaaaaaaaaaaaaaaaa"]

    static func naiveFirst(_ bytes: [UInt8], _ literal: [UInt8], start: Int, end: Int, from: Int) -> Int? {
        var offset = max(from, start)
        while offset + literal.count <= end {
            if Array(bytes[offset..<(offset + literal.count)]) == literal { return offset }
            offset += 1
        }
        return nil
    }

    static func naiveLast(_ bytes: [UInt8], _ literal: [UInt8], start: Int, end: Int, before: Int) -> Int? {
        var offset = min(before - 1, end - literal.count)
        while offset >= start {
            if Array(bytes[offset..<(offset + literal.count)]) == literal { return offset }
            offset -= 1
        }
        return nil
    }

    @Test func searchesMatchByteLoops() {
        var random = LogLineParserTests.SplitMix64(state: 0x7E57)
        let alphabet = Array(",\"aRb=\u{1B}".utf8)
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...90, using: &random)
            // Outside the span: nothing but matches of every literal and escapes.
            var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length + 40)
            for index in bytes.indices where index % 3 == 0 { bytes[index] = 0x1B }
            let start = Int.random(in: 0...20, using: &random)
            for index in start..<(start + length) { bytes[index] = alphabet.randomElement(using: &random)! }
            let end = start + length
            bytes.withUnsafeBufferPointer { buffer in
                let span = TextSpan(buffer, start: start, end: end)
                for literal in Self.literals {
                    let literalBytes = Array(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
                    let from = Int.random(in: (start - 2)...(end + 2), using: &random)
                    #expect(
                        span.firstOffset(of: literal, from: from)
                            == Self.naiveFirst(bytes, literalBytes, start: start, end: end, from: from))
                    #expect(span.firstOffset(of: literal) == Self.naiveFirst(bytes, literalBytes, start: start, end: end, from: start))
                    let before = Int.random(in: start...(end + 2), using: &random)
                    #expect(
                        span.lastOffset(of: literal, before: before)
                            == Self.naiveLast(bytes, literalBytes, start: start, end: end, before: before))
                    #expect(span.lastOffset(of: literal) == Self.naiveLast(bytes, literalBytes, start: start, end: end, before: end))
                }
                for byte in [UInt8(ascii: ","), UInt8(ascii: "R"), 0x1B] {
                    let from = Int.random(in: (start - 2)...(end + 2), using: &random)
                    let expected = (max(from, start)..<max(end, max(from, start))).first { bytes[$0] == byte }
                    #expect(span.firstOffset(of: byte, from: from) == expected)
                }
                let limit = Int.random(in: 0...100, using: &random)
                #expect(span.prefixContains(0x1B, limit: limit) == bytes[start..<(start + min(length, limit))].contains(0x1B))
            }
        }
    }
}
