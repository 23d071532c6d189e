import KobraKaiAddress
import KobraKaiCore
import Testing

@Suite("Allowlist files")
struct AllowlistFileTests {
    @Test func readsAddressesCIDRsAndComments() {
        let text = """
            # KobraKai ignore list
            192.0.2.10
              203.0.113.0/24   # office
            2001:db8::/32\r
            ::ffff:198.51.100.1

            """
        let file = AllowlistFile.parse(text)
        #expect(file.errors.isEmpty)
        #expect(file.entries == [net("192.0.2.10"), net("203.0.113.0/24"), net("2001:db8::/32"), net("198.51.100.1")])
    }

    @Test func badLinesAreReportedWithLineNumbersAndGoodOnesKept() {
        let text = "10.0.0.1\nnot-an-ip\n10.0.0.1/8\n\n# c\n192.0.2.300\n172.16.0.0/12\n"
        let file = AllowlistFile.parse(text)
        #expect(file.entries == [net("10.0.0.1"), net("172.16.0.0/12")])
        #expect(file.errors.map(\.line) == [2, 3, 6])
        #expect(file.errors[1].description == "line 3: invalid address '10.0.0.1/8': host bits are set; did you mean 10.0.0.0/8?")
    }

    @Test func crlfFilesCountLinesCorrectly() {
        let file = AllowlistFile.parse("192.0.2.1\r\nbad\r\n192.0.2.2\r\n")
        #expect(file.entries == [net("192.0.2.1"), net("192.0.2.2")])
        #expect(file.errors.map(\.line) == [2])
    }
}
