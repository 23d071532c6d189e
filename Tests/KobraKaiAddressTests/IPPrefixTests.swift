import KobraKaiAddress
import Testing

@Suite struct IPPrefixTests {
    @Test(arguments: [
        ("198.51.100.0/24", "198.51.100.0/24", 24),
        ("198.51.100.7", "198.51.100.7", 32),
        ("198.51.100.7/32", "198.51.100.7", 32),
        ("0.0.0.0/0", "0.0.0.0/0", 0),
        ("2001:db8::/32", "2001:db8::/32", 32),
        ("2001:db8::1/128", "2001:db8::1", 128),
        ("::/0", "::/0", 0),
        ("::ffff:10.0.0.0/104", "10.0.0.0/8", 8),
        ("2001:db8:0:1::/64", "2001:db8:0:1::/64", 64),
    ])
    func parses(input: String, expected: String, length: Int) throws {
        let prefix = try IPPrefix(parsing: input)
        #expect(prefix.description == expected)
        #expect(prefix.length == length)
    }

    @Test(arguments: ["10.0.0.1/8", "10.0.0.0/33", "2001:db8::/129", "10.0.0.0/", "10.0.0.0/x", "/8", "10.0.0.0/-1",
                      "::ffff:10.0.0.0/64", "2001:db8::1/64", "10.0.0.0/08x"])
    func rejects(input: String) {
        #expect(throws: AddressParseError.self) { try IPPrefix(parsing: input) }
    }

    @Test func hostBitsErrorSuggestsNetwork() {
        #expect(throws: AddressParseError(input: "10.1.2.3/8", reason: "host bits are set; did you mean 10.0.0.0/8?")) {
            try IPPrefix(parsing: "10.1.2.3/8")
        }
    }

    @Test func containment() throws {
        let net = try IPPrefix(parsing: "198.51.100.0/24")
        #expect(net.contains(try IPAddress(parsing: "198.51.100.255")))
        #expect(!net.contains(try IPAddress(parsing: "198.51.101.0")))
        #expect(!net.contains(try IPAddress(parsing: "2001:db8::1")))
        #expect(net.contains(try IPPrefix(parsing: "198.51.100.128/25")))
        #expect(!net.contains(try IPPrefix(parsing: "198.51.0.0/16")))
        let v6 = try IPPrefix(parsing: "2001:db8::/32")
        #expect(v6.contains(try IPAddress(parsing: "2001:db8:ffff::1")))
        #expect(!v6.contains(try IPAddress(parsing: "2001:db9::")))
        #expect(try IPPrefix(parsing: "0.0.0.0/0").contains(try IPAddress(parsing: "255.255.255.255")))
    }

    @Test func intervalEnds() throws {
        #expect(try IPPrefix(parsing: "203.0.113.0/24").addressAfter == IPAddress("203.0.114.0"))
        #expect(try IPPrefix(parsing: "203.0.113.7").addressAfter == IPAddress("203.0.113.8"))
        #expect(try IPPrefix(parsing: "255.255.255.0/24").addressAfter == nil)
        #expect(try IPPrefix(parsing: "2001:db8::/32").addressAfter == IPAddress("2001:db9::"))
        #expect(try IPPrefix(parsing: "2001:db8::/64").addressAfter == IPAddress("2001:db8:0:1::"))
        #expect(try IPPrefix(parsing: "2001:db8::ffff:ffff:ffff:ffff/128").addressAfter == IPAddress("2001:db8:0:1::"))
        #expect(try IPPrefix(parsing: "ffff::/16").addressAfter == nil)
        #expect(try IPPrefix(parsing: "2001:db8::/64").lastAddress == IPAddress("2001:db8::ffff:ffff:ffff:ffff"))
    }

    @Test func maskingInitialiser() throws {
        let prefix = IPPrefix(address: try IPAddress(parsing: "2001:db8:1:2:3:4:5:6"), length: 64)
        #expect(prefix.description == "2001:db8:1:2::/64")
        #expect(IPPrefix(address: try IPAddress(parsing: "192.0.2.77"), length: 24).description == "192.0.2.0/24")
    }
}
