import Foundation
import KobraKaiAddress
import KobraKaiCrowdSec
import Testing

@Suite("Watcher login and alert payloads")
struct WatcherPayloadTests {
    @Test("the login response gives the token and its RFC 3339 expiry")
    func token() throws {
        let body = #"{"code":200,"expire":"2026-11-22T07:49:21Z","token":"eyJ.a.b"}"#
        let token = try WatcherToken.decode(Array(body.utf8))
        #expect(token.token == "eyJ.a.b")
        #expect(token.expiresAt == Date(timeIntervalSince1970: 1_795_333_761))
        let fractional = try WatcherToken.decode(Array(#"{"expire":"2026-11-22T07:49:21.5+01:00","token":"t"}"#.utf8))
        #expect(fractional.expiresAt == Date(timeIntervalSince1970: 1_795_333_761 - 3600 + 0.5))
    }

    @Test("a login response without a usable token or expiry is a clear error", arguments: [
        #"{"code":200,"expire":"tomorrow","token":"t"}"#, #"{"code":200,"expire":"2026-11-22T07:49:21Z","token":""}"#,
        #"{"code":401,"message":"incorrect Username or Password"}"#,
    ])
    func badToken(body: String) {
        #expect { try WatcherToken.decode(Array(body.utf8)) } throws: { ($0 as? CrowdSecError)?.code == .malformedResponse }
    }

    @Test("an alert carries one decision with the time left, as Ip or Range")
    func alert() throws {
        let bannedAt = Date(timeIntervalSince1970: 1_795_330_000)
        let host = WatcherBan(target: IPPrefix("192.0.2.55")!, duration: .seconds(7200), reason: "sip x5", bannedAt: bannedAt)
        #expect(host.remaining(at: bannedAt.addingTimeInterval(200)) == .seconds(7000))
        let alert = try #require(CrowdSecAlert(ban: host, remaining: .seconds(7000), scenario: "kobrakai/voip-attack"))
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(alert)) as? [String: Any])
        #expect(json["scenario"] as? String == "kobrakai/voip-attack" && json["scenario_hash"] as? String == "")
        #expect(json["start_at"] as? String == "2026-11-22T06:46:40Z" && json["events_count"] as? Int == 1)
        #expect(json["leakspeed"] as? String == "0" && json["simulated"] as? Bool == false)
        #expect((json["events"] as? [Any])?.isEmpty == true)
        #expect(json["source"] as? [String: String] == ["scope": "Ip", "value": "192.0.2.55", "ip": "192.0.2.55"])
        let decisions = try #require(json["decisions"] as? [[String: String]])
        #expect(decisions == [["duration": "7000s", "origin": "crowdsec", "scenario": "kobrakai/voip-attack",
                               "scope": "Ip", "type": "ban", "value": "192.0.2.55"]])

        let range = WatcherBan(target: IPPrefix("2001:db8::/48")!, duration: .seconds(60), reason: "subnet", bannedAt: bannedAt)
        let rangeAlert = try #require(CrowdSecAlert(ban: range, remaining: .seconds(60), scenario: "s"))
        #expect(rangeAlert.source.scope == "Range" && rangeAlert.source.range == "2001:db8::/48" && rangeAlert.source.ip == nil)
        #expect(CrowdSecAlert(ban: range, remaining: .milliseconds(900), scenario: "s") == nil)
    }
}
