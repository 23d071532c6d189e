import Foundation
import KobraKaiAddress
import KobraKaiCore
import Testing

/// Seeded random damage to inputs: parsers must answer with a value or a typed error, never crash or hang.
@Suite("Fuzzing the configuration and pattern parsers")
struct FuzzTests {
    private static let example: [UInt8] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/kobrakai.json")
        return (try? [UInt8](Data(contentsOf: url))) ?? []
    }()

    @Test func mutatedConfigurationsLoadOrFailCleanly() {
        #expect(!Self.example.isEmpty)
        var random = SeededGenerator(seed: 42)
        var loaded = 0
        var refused = 0
        let alphabet = Array("{}[]\":,0123456789.-e \n\\u<>*/abcdefHOST".utf8)
        for _ in 0..<3000 {
            var bytes = Self.example
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[position] = alphabet.randomElement(using: &random)!
                case 1: bytes.remove(at: position)
                default: bytes.insert(UInt8.random(in: 0...255, using: &random), at: position)
                }
            }
            do {
                let configuration = try Configuration.load(from: bytes)
                _ = try configuration.makePolicy()
                loaded += 1
            } catch {
                refused += 1
            }
        }
        #expect(loaded > 50 && refused > 500)
    }

    @Test func randomLinesNeverYieldAnAddressThatIsNotInTheLine() throws {
        let patterns = [
            try CustomPattern(name: "a", pattern: "from <HOST>", severity: .low),
            try CustomPattern(name: "b", pattern: "x*[<HOST>]:*y", severity: .low),
            try CustomPattern(name: "c", pattern: "^bans <HOST> *$", severity: .low),
        ]
        var random = SeededGenerator(seed: 7)
        let pieces = ["from ", "x", "y", "[", "]", ":", "5060", " ", "bans ", "1.2.3.4", "2001:db8::1", "::", ".", "ff", "9", "%", "a"]
        var matched = 0
        for _ in 0..<20_000 {
            var line = ""
            for _ in 0..<Int.random(in: 1...14, using: &random) { line += pieces.randomElement(using: &random)! }
            for pattern in patterns {
                guard let address = pattern.match(line: line[...]) else { continue }
                matched += 1
                // The captured address must appear in the line, in some spelling.
                #expect(Self.lineContainsEquivalent(line, address), "\(pattern.source) on \(line) gave \(address)")
            }
        }
        #expect(matched > 500)
    }

    /// True when some run of address characters in `line` parses to `address` (covers non-canonical
    /// IPv6 spellings such as "2001:db8:0::1").
    private static func lineContainsEquivalent(_ line: String, _ address: IPAddress) -> Bool {
        let bytes = Array(line.utf8)
        for start in bytes.indices {
            for end in (start + 1)...min(bytes.count, start + 45) {
                if IPAddress(String(decoding: bytes[start..<end], as: UTF8.self)) == address { return true }
            }
        }
        return false
    }
}
