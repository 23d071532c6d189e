import KobraKaiAddress
import Testing

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("192.0.2.1", "192.0.2.1"),
        ("0.0.0.0", "0.0.0.0"),
        ("255.255.255.255", "255.255.255.255"),
        ("2001:db8::1", "2001:db8::1"),
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("::", "::"),
        ("::1", "::1"),
        ("1::", "1::"),
        ("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"),
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2:3:4:5:6"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("::FFFF:c633:6407", "198.51.100.7"),
        ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
    ])
    func parsesAndFormats(input: String, expected: String) throws {
        let address = try IPAddress(parsing: input)
        #expect(address.description == expected)
        #expect(try IPAddress(parsing: address.description) == address)
    }

    @Test func mappedIPv6BecomesIPv4() throws {
        #expect(try IPAddress(parsing: "::ffff:10.1.2.3") == .v4(IPv4Address(10, 1, 2, 3)))
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.999", "01.2.3.4", "1.2.3.4 ", " 1.2.3.4", "1.2.3.4x",
        "1..3.4", "1.2.3.", ".1.2.3", "a.b.c.d", "1.2.3.-4", "2001:db8::1::1", "2001:db8:::1", ":1", "1:",
        "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::1", "fe80::1%eth0", "[2001:db8::1]", "2001:db8::g",
        "::ffff:1.2.3.256", "1.2.3.4:5060", "1:2:3:4:5:6:7::8:9",
    ])
    func rejectsGarbage(input: String) {
        #expect(throws: AddressParseError.self) { try IPAddress(parsing: input) }
        #expect(IPAddress(input) == nil)
    }

    @Test func errorsExplainWhy() {
        #expect(throws: AddressParseError(input: "1.2.3.300", reason: "octet '300' is above 255")) {
            try IPAddress(parsing: "1.2.3.300")
        }
        #expect(throws: AddressParseError(input: "fe80::1%eth0", reason: "zone indexes are not accepted")) {
            try IPAddress(parsing: "fe80::1%eth0")
        }
    }

    @Test func bytesAreNetworkOrder() throws {
        #expect(try IPAddress(parsing: "192.0.2.99").bytes == [192, 0, 2, 99])
        let v6 = try IPAddress(parsing: "2001:db8::ff")
        #expect(v6.bytes == [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [0xff])
    }

    @Test func loopback() throws {
        #expect(try IPAddress(parsing: "127.0.0.5").isLoopback)
        #expect(try IPAddress(parsing: "::1").isLoopback)
        #expect(try !IPAddress(parsing: "192.0.2.1").isLoopback)
    }
}
