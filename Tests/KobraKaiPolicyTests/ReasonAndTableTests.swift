@testable import KobraKaiCore
import KobraKaiAddress
import Testing

@Suite("Reason text and the LRU table")
struct ReasonAndTableTests {
    @Test func reasonsFitAnNftCommentAndStayValidUTF8() throws {
        var policy = try makePolicy()
        let longRule = String(repeating: "é", count: 100) + "-rule"
        let decision = try #require(policy.observe(event("192.0.2.90", rule: longRule, severity: .high), now: at(0)).first)
        #expect(decision.reason.utf8.count <= 127)
        #expect(decision.reason.hasSuffix("…"))
        #expect(decision.reason.hasPrefix("éé"))
        #expect(String(validating: Array(decision.reason.utf8), as: UTF8.self) != nil)
        #expect(decision.rule == longRule)  // the rule itself is kept whole
        #expect(decision.banRequest.comment == decision.reason)
        #expect(decision.banRequest.timeout == .seconds(1800))
        #expect(decision.expiry == at(1800))
    }

    @Test func controlCharactersNeverReachTheComment() {
        #expect(ReasonText.bounded("a\nb\u{7F}c\td") == "a?b?c?d")
        #expect(ReasonText.bounded(String(repeating: "x", count: 127)) == String(repeating: "x", count: 127))
        #expect(ReasonText.bounded(String(repeating: "x", count: 128)).utf8.count == 127)
        #expect(ReasonText.seconds(.milliseconds(1500)) == "1500ms")
    }

    @Test func subnetReasonForALongIPv6Network() throws {
        var policy = try makePolicy { $0.subnet.hosts = 2 }
        _ = policy.observe(event("2001:db8:abcd:ef01::1", severity: .high), now: at(0))
        let decisions = policy.observe(event("2001:db8:abcd:ef01::2", severity: .high), now: at(1))
        #expect(decisions.last?.reason == "subnet: 2 hosts banned in 2001:db8:abcd:ef01::/64 within 600s")
    }

    @Test func lruEvictsTheLeastRecentlyUsedAndReusesSlots() {
        var table = LRUTable<String, Int>(capacity: 3)
        _ = table.insert("a", 1)
        _ = table.insert("b", 2)
        _ = table.insert("c", 3)
        table.touch(table.slot(of: "a")!)  // order now b, c, a
        let (slot, evicted) = table.insert("d", 4)
        #expect(evicted == "b")
        #expect(table.slot(of: "b") == nil)
        #expect(table[slot] == 4)
        #expect(table.slotsFromLeastRecent().map { table.key(at: $0) } == ["c", "a", "d"])
        table.remove(table.slot(of: "a")!)
        #expect(table.count == 2)
        #expect(table.slotsFromLeastRecent().map { table.key(at: $0) } == ["c", "d"])
        _ = table.insert("e", 5)
        #expect(table.allocatedSlots == 3)  // the freed slot was reused
        #expect(table.slotsFromLeastRecent().map { table.key(at: $0) } == ["c", "d", "e"])
    }

    @Test func trustIsPerIPv6TrackingPrefix() throws {
        var policy = try makePolicy()
        _ = policy.observe(event("2001:db8:7::1", rule: "security.successful-auth", severity: .informational), now: at(0))
        // Another phone in the same /64: trusted threshold (20) applies to the whole /64.
        #expect(feed(&policy, event("2001:db8:7::2"), count: 19, start: 1, step: 0.5).isEmpty)
        #expect(policy.observe(event("2001:db8:7::3"), now: at(20)).count == 1)
        // A different /64 is not trusted.
        #expect(feed(&policy, event("2001:db8:8::2"), count: 5, start: 1).count == 1)
    }
}
