import Foundation
import KobraKaiCore
import Testing

@Suite("JSON string quoting")
struct JSONTextTests {
    @Test("attacker text stays one JSON string on one line, and parses back to itself")
    func quotesEverythingDangerous() throws {
        let hostile = "a\"b\\c\nd\re\tf\u{1b}[31mg\u{7f}h\u{2028}i\u{2029}j\u{0}k é 漢"
        let quoted = JSONText.quoted(hostile)
        #expect(!quoted.contains("\n") && !quoted.contains("\r") && !quoted.contains("\u{1b}"))
        #expect(!quoted.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0 == "\u{2028}" || $0 == "\u{2029}" })
        #expect(quoted.contains("\\u001b") && quoted.contains("\\u2028") && quoted.contains("\\u0000"))
        let decoded = try JSONDecoder().decode(String.self, from: Data(quoted.utf8))
        #expect(decoded == hostile)
    }
}
