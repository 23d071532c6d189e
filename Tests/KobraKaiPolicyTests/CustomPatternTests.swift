import KobraKaiAddress
import KobraKaiCore
import Testing

@Suite("Operator patterns with <HOST>")
struct CustomPatternTests {
    private func pattern(_ text: String, severity: Severity = .high) throws -> CustomPattern {
        try CustomPattern(name: "t", pattern: text, severity: severity)
    }

    @Test func capturesIPv4AndIPv6() throws {
        let kamailio = try pattern("Blocking traffic from <HOST>")
        #expect(kamailio.match(line: "Nov 22 05:00:01 sbc kamailio[812]: WARNING: Blocking traffic from 198.51.100.23") == ip("198.51.100.23"))
        #expect(kamailio.match(line: "ALERT: Blocking traffic from 2001:db8::7 now") == ip("2001:db8::7"))
        #expect(kamailio.match(line: "Blocking traffic from ::ffff:192.0.2.1") == ip("192.0.2.1"))
        #expect(kamailio.match(line: "Allowing traffic from 198.51.100.23") == nil)
    }

    @Test func portsAndBracketsAfterTheAddress() throws {
        let withPort = try pattern("failed for '<HOST>:*'")
        #expect(withPort.match(line: "Registration failed for '203.0.113.5:5060' - Wrong password") == ip("203.0.113.5"))
        #expect(withPort.match(line: "failed for '2001:db8::1:5060'") == ip("2001:db8::1"))
        let bracketed = try pattern("from [<HOST>]:")
        #expect(bracketed.match(line: "request from [2001:db8::42]:5061 rejected") == ip("2001:db8::42"))
        // A wildcard after <HOST>: the port colon ends an IPv4 address.
        #expect(try pattern("peer <HOST>*").match(line: "peer 192.0.2.8:5060 gone") == ip("192.0.2.8"))
    }

    @Test func addressesMustBeStrictlyValid() throws {
        let source = try pattern("auth failed from <HOST>")
        for line in ["auth failed from 256.1.1.1", "auth failed from 01.2.3.4", "auth failed from 1.2.3", "auth failed from example.com",
                     "auth failed from 1.2.3.4.5", "auth failed from 2001:db8:::1", "auth failed from fe80::1%eth0x"] {
            #expect(source.match(line: line[...]) == nil, "\(line)")
        }
        // Digits glued to the address are not silently cut off.
        #expect(source.match(line: "auth failed from 1.2.3.45x") == nil)
        #expect(source.match(line: "auth failed from 1.2.3.4") == ip("1.2.3.4"))
    }

    @Test func anchorsAndWildcards() throws {
        let anchored = try pattern("^sbc: <HOST> banned$")
        #expect(anchored.match(line: "sbc: 192.0.2.9 banned") == ip("192.0.2.9"))
        #expect(anchored.match(line: "x sbc: 192.0.2.9 banned") == nil)
        #expect(anchored.match(line: "sbc: 192.0.2.9 banned!") == nil)
        let middle = try pattern("user * from <HOST> port * denied")
        #expect(middle.match(line: "user 'bob' from 198.51.100.4 port 5060 denied") == ip("198.51.100.4"))
        #expect(middle.match(line: "user 'bob' from 198.51.100.4 port 5060 allowed") == nil)
        let escaped = try pattern(#"rate \* exceeded by <HOST>"#)
        #expect(escaped.match(line: "rate * exceeded by 192.0.2.77") == ip("192.0.2.77"))
        #expect(escaped.match(line: "rate 9 exceeded by 192.0.2.77") == nil)
    }

    @Test func twoDifferentCandidateAddressesMeanInjection() throws {
        let source = try pattern("Blocking traffic from <HOST>")
        // Attacker text (a user name) carrying a second "Blocking traffic from" with another address.
        let injected = "Blocking traffic from 203.0.113.66 user='Blocking traffic from 192.0.2.1'"
        #expect(source.match(line: injected[...]) == nil)
        // The same address twice is not ambiguous.
        #expect(source.match(line: "Blocking traffic from 203.0.113.66 (Blocking traffic from 203.0.113.66)") == ip("203.0.113.66"))
        let wildcard = try pattern("denied: *<HOST> *")
        #expect(wildcard.match(line: "denied: peer 192.0.2.1 via 192.0.2.2 end") == nil)
        #expect(wildcard.match(line: "denied: peer 192.0.2.1 end") == ip("192.0.2.1"))
        // With literal text after <HOST>, only the address it follows can match.
        #expect(try pattern("denied: *<HOST> end").match(line: "denied: peer 192.0.2.1 via 192.0.2.2 end") == ip("192.0.2.2"))
        // Unbracketed IPv6 followed by a port is ambiguous when nothing in the pattern separates them.
        #expect(try pattern("from <HOST> *").match(line: "from 2001:db8::1:5060 x") == ip("2001:db8::1:5060"))
        #expect(try pattern("from <HOST>*").match(line: "from 2001:db8::1:5060") == nil)
    }

    @Test func badPatternsAreRejected() {
        for (text, reason) in [
            ("Blocking traffic from", "has no <HOST> placeholder"),
            ("from <HOST> to <HOST>", "has 2 <HOST> placeholders"),
            ("<HOST>", "needs at least 4 literal characters"),
            ("", "is empty"),
            (#"from <HOST> \"#, "ends with a lone"),
        ] {
            #expect(throws: CustomPatternError.self, "\(text)") { try CustomPattern(name: "t", pattern: text, severity: .low) }
            do {
                _ = try CustomPattern(name: "t", pattern: text, severity: .low)
            } catch {
                #expect(error.description.contains(reason), "\(error)")
            }
        }
    }

    @Test func matcherProducesCustomEvents() throws {
        let matcher = CustomRuleMatcher(patterns: [
            try CustomPattern(name: "pike", pattern: "Blocking traffic from <HOST>", severity: .high),
            try CustomPattern(name: "auth", pattern: "auth failed from <HOST>", severity: .medium),
        ])
        let event = try #require(matcher.event(forLine: "kamailio: auth failed from 192.0.2.5", time: Timestamp(secondsSinceEpoch: 5), lineNumber: 9))
        #expect(event.service == .custom)
        #expect(event.rule == "custom:auth")
        #expect(event.severity == .medium)
        #expect(event.address == ip("192.0.2.5"))
        #expect(event.line == 9 && event.time == Timestamp(secondsSinceEpoch: 5))
        #expect(matcher.event(forLine: "nothing here 192.0.2.5", time: nil) == nil)
    }

    @Test func longHostileLinesStayFast() throws {
        // Many candidate positions and no match: must finish quickly (linear scan, no backtracking).
        let source = try pattern("x * y * z from <HOST> end")
        let line = String(repeating: "x y z from 1.1.1.1 ", count: 5000)
        #expect(source.match(line: line[...]) == nil)
        let hex = "from " + String(repeating: "a", count: 100_000)
        #expect(try pattern("from *<HOST>").match(line: hex[...]) == nil)
    }
}
