@testable import KobraKaiDaemon
import Testing

@Suite("LineAssembler")
struct LineAssemblerTests {
    static let text = "first line\nsecond\r\n\nfourth with ünïcödé\nA" + String(repeating: "x", count: 100) + "B\nlast"

    static func assemble(_ bytes: [UInt8], chunkSizes: [Int], maxLineLength: Int) -> (lines: [LogLine], pending: Int64) {
        var assembler = LineAssembler(maxLineLength: maxLineLength)
        var lines: [LogLine] = []
        var offset = 0
        var chunkIndex = 0
        while offset < bytes.count {
            let size = min(chunkSizes[chunkIndex % chunkSizes.count], bytes.count - offset)
            bytes[offset..<(offset + size)].withUnsafeBytes { assembler.append($0, at: Int64(offset), into: &lines) }
            offset += size
            chunkIndex += 1
        }
        return (lines, assembler.pendingByteCount)
    }

    @Test("the same lines and offsets whatever the read sizes, down to one byte at a time", arguments: [1, 2, 3, 7, 16, 4096])
    func chunkingDoesNotMatter(chunkSize: Int) {
        let bytes = Array(Self.text.utf8)
        let (lines, pending) = Self.assemble(bytes, chunkSizes: [chunkSize], maxLineLength: 64)
        #expect(lines.map(\.text) == ["first line", "second", "", "fourth with ünïcödé", "A" + String(repeating: "x", count: 31) + "…" + String(repeating: "x", count: 31) + "B"])
        #expect(lines.map(\.isTruncated) == [false, false, false, false, true])
        // Each end offset points just past its newline.
        for line in lines { #expect(bytes[Int(line.endOffset) - 1] == 0x0A) }
        #expect(pending == Int64("last".utf8.count))
    }

    @Test("a multi-byte character split across reads decodes intact")
    func splitCharacter() {
        let bytes = Array("é\n".utf8)
        let (lines, _) = Self.assemble(bytes, chunkSizes: [1], maxLineLength: 64)
        #expect(lines.map(\.text) == ["é"])
    }

    @Test("memory stays bounded while a 10 MB line streams through")
    func boundedMemory() {
        var assembler = LineAssembler(maxLineLength: 1024)
        var lines: [LogLine] = []
        let chunk = [UInt8](repeating: UInt8(ascii: "z"), count: 65536)
        for index in 0..<160 {
            chunk.withUnsafeBytes { assembler.append($0, at: Int64(index * chunk.count), into: &lines) }
            #expect(assembler.heldByteCount <= 1024 + chunk.count)
        }
        [UInt8(ascii: "\n")].withUnsafeBytes { assembler.append($0, at: Int64(160 * chunk.count), into: &lines) }
        #expect(lines.count == 1 && lines[0].isTruncated && lines[0].text.utf8.count == 1024 + 3)
        #expect(lines[0].endOffset == Int64(160 * chunk.count + 1))
        #expect(assembler.truncatedLineCount == 1)
    }
}
