import KobraKaiAddress
@testable import KobraKaiCrowdSec
import Testing

@Suite("Which decisions become bans")
struct ParsedDecisionTests {
    private func decision(type: String = "ban", scope: String = "Ip", value: String, duration: String = "1h",
                          scenario: String = "crowdsecurity/asterisk_bf", origin: String = "crowdsec") -> CrowdSecDecision {
        CrowdSecDecision(id: 9, origin: origin, type: type, scope: scope, value: value, duration: duration, scenario: scenario)
    }

    @Test("Ip and Range bans in any case")
    func scopes() throws {
        let host = try ParsedDecision.parse(decision(type: "BAN", scope: "ip", value: "192.0.2.7")).get()
        #expect(host.target == IPPrefix("192.0.2.7")! && host.remaining == .seconds(3600))
        #expect(host.comment == "crowdsec: crowdsecurity/asterisk_bf (crowdsec)")
        let range = try ParsedDecision.parse(decision(scope: "RANGE", value: "2001:db8::/32")).get()
        #expect(range.target == IPPrefix("2001:db8::/32")! && range.maskedFrom == nil)
    }

    @Test("IPv4-mapped addresses and ranges become IPv4")
    func mapped() throws {
        #expect(try ParsedDecision.parse(decision(value: "::ffff:192.0.2.9")).get().target == IPPrefix("192.0.2.9")!)
        #expect(try ParsedDecision.parse(decision(scope: "Range", value: "::ffff:192.0.2.0/120")).get().target == IPPrefix("192.0.2.0/24")!)
    }

    @Test("a range with host bits is masked as CrowdSec matches it, and flagged")
    func hostBits() throws {
        let parsed = try ParsedDecision.parse(decision(scope: "Range", value: "10.1.2.3/8")).get()
        #expect(parsed.target == IPPrefix("10.0.0.0/8")! && parsed.maskedFrom == "10.1.2.3/8")
    }

    @Test("captchas, countries and usernames are ignored", arguments: [
        ("captcha", "Ip", "192.0.2.7"), ("ban", "Country", "CN"), ("ban", "Username", "admin"), ("ban", "AS", "4134"),
    ])
    func notApplicable(type: String, scope: String, value: String) {
        guard case .failure(.notApplicable) = ParsedDecision.parse(decision(type: type, scope: scope, value: value)) else {
            Issue.record("\(type) \(scope) \(value) must be ignored")
            return
        }
    }

    @Test("unreadable values and durations are reported", arguments: [
        ("Ip", "192.0.2.0/24", "1h"), ("Ip", "192.0.2.256", "1h"), ("Range", "192.0.2.0", "1h"), ("Range", "192.0.2.0/33", "1h"),
        ("Ip", "192.0.2.7", "4d"), ("Ip", "", "1h"),
    ])
    func malformed(scope: String, value: String, duration: String) {
        guard case .failure(.malformed) = ParsedDecision.parse(decision(scope: scope, value: value, duration: duration)) else {
            Issue.record("\(scope) \(value) \(duration) must be malformed")
            return
        }
    }

    @Test("comments are printable and fit nft's 127 bytes")
    func comments() throws {
        let long = String(repeating: "é", count: 200) + "\n"
        let parsed = try ParsedDecision.parse(decision(value: "192.0.2.7", scenario: long, origin: "CAPI")).get()
        #expect(parsed.comment.utf8.count == 127)
        #expect(parsed.comment.allSatisfy { $0.isASCII && !$0.isNewline })
        #expect(ParsedDecision.comment(scenario: "a/b", origin: "lists") == "crowdsec: a/b (lists)")
    }
}
