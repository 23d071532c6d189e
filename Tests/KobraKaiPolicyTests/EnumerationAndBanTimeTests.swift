import Foundation
import KobraKaiAddress
import KobraKaiCore
import Testing

@Suite("Enumeration, progressive ban time and duplicate suppression")
struct EnumerationAndBanTimeTests {
    /// Low events that never reach the event threshold, so only enumeration can ban.
    private func enumerationPolicy() throws -> BanPolicy {
        try makePolicy { $0.lowWeight = 0 }
    }

    @Test func distinctAccountsWithinTheWindowBan() throws {
        var policy = try enumerationPolicy()
        for index in 0..<7 {
            let sample = event("192.0.2.50", severity: .low, account: "10\(index)")
            #expect(policy.observe(sample, now: at(Double(index))).isEmpty)
        }
        let decisions = policy.observe(event("192.0.2.50", severity: .low, account: "107"), now: at(8))
        #expect(decisions.count == 1)
        #expect(decisions.first?.kind == .enumeration)
        #expect(decisions.first?.reason == "enumeration: 8 accounts in 300s")
    }

    @Test func repeatingOneAccountIsNotEnumeration() throws {
        var policy = try enumerationPolicy()
        #expect(feed(&policy, event("192.0.2.51", severity: .low, account: "1001"), count: 100).isEmpty)
    }

    @Test func accountsOutsideTheWindowAreForgotten() throws {
        var policy = try enumerationPolicy()
        for index in 0..<7 {
            _ = policy.observe(event("192.0.2.52", severity: .low, account: "a\(index)"), now: at(Double(index)))
        }
        // At t=306.5 the seven accounts tried at 0...6 are all older than 300 s: the new one is alone.
        #expect(policy.observe(event("192.0.2.52", severity: .low, account: "z"), now: at(306.5)).isEmpty)
        // Retrying an account refreshes it: the seven retried at t=250 still count at t=320.
        var refreshed = try enumerationPolicy()
        for index in 0..<7 {
            _ = refreshed.observe(event("192.0.2.53", severity: .low, account: "a\(index)"), now: at(Double(index)))
        }
        for index in 0..<7 {
            _ = refreshed.observe(event("192.0.2.53", severity: .low, account: "a\(index)"), now: at(250))
        }
        #expect(refreshed.observe(event("192.0.2.53", severity: .low, account: "a7"), now: at(320)).count == 1)
    }

    @Test func repeatBansMultiplyUpToTheCap() throws {
        var policy = try makePolicy {
            $0.banTime.base = .seconds(600)
            $0.banTime.factor = 3
            $0.banTime.maximum = .seconds(10_000)
        }
        var now = 0.0
        var durations: [Duration] = []
        var offences: [Int] = []
        for _ in 0..<5 {
            let decision = try #require(policy.observe(event("192.0.2.60", severity: .high), now: at(now)).first)
            durations.append(decision.duration)
            offences.append(decision.offence)
            now += Double(decision.duration.milliseconds) / 1000 + 1  // just after the ban ends
        }
        #expect(durations == [.seconds(600), .seconds(1800), .seconds(5400), .seconds(10_000), .seconds(10_000)])
        #expect(offences == [1, 2, 3, 4, 5])
    }

    @Test func repeatBanReasonNamesTheOffence() throws {
        var policy = try makePolicy()
        _ = policy.observe(event("192.0.2.61", rule: "iax2-auth-failed", severity: .high), now: at(0))
        let second = try #require(policy.observe(event("192.0.2.61", rule: "iax2-auth-failed", severity: .high), now: at(1801)).first)
        #expect(second.isRepeat)
        #expect(second.reason == "iax2-auth-failed: high severity, first event (offence 2)")
        #expect(second.duration == .seconds(3600))
    }

    @Test func historyWindowForgetsOldOffences() throws {
        var policy = try makePolicy { $0.banTime.history = .seconds(86_400) }
        _ = policy.observe(event("192.0.2.62", severity: .high), now: at(0))
        let inside = try #require(policy.observe(event("192.0.2.62", severity: .high), now: at(86_400)).first)
        #expect(inside.offence == 2)
        let outside = try #require(policy.observe(event("192.0.2.62", severity: .high), now: at(86_400 * 2 + 1)).first)
        #expect(outside.offence == 1)
        #expect(outside.duration == .seconds(1800))
    }

    @Test func aBannedAddressProducesNoDuplicateDecisions() throws {
        var policy = try makePolicy()
        let sample = event("192.0.2.63")
        #expect(feed(&policy, sample, count: 5).count == 1)
        // 1000 more events during the 30-minute ban: nothing.
        #expect(feed(&policy, sample, count: 1000, start: 10, step: 1).isEmpty)
        #expect(policy.statistics.suppressedWhileBanned == 1000)
        #expect(policy.isBanned(ip("192.0.2.63"), now: at(1000)))
        // After the ban ends, counting starts from zero: the first 4 events do not ban.
        // The ban was decided at t=4 and ends at t=1804.
        #expect(policy.observe(sample, now: at(1803)).isEmpty)
        #expect(feed(&policy, sample, count: 4, start: 1805).isEmpty)
        #expect(policy.observe(sample, now: at(1809)).first?.offence == 2)
    }

    @Test func releasingABanLetsEventsCountAgain() throws {
        var policy = try makePolicy()
        _ = policy.observe(event("192.0.2.64", severity: .high), now: at(0))
        #expect(policy.observe(event("192.0.2.64", severity: .high), now: at(10)).isEmpty)
        policy.releaseBan(of: net("192.0.2.64/32"), now: at(20))
        let decision = try #require(policy.observe(event("192.0.2.64", severity: .high), now: at(30)).first)
        #expect(decision.offence == 2)
    }

    @Test func offenderHistoryRoundTripsThroughRestore() throws {
        var policy = try makePolicy()
        _ = policy.observe(event("192.0.2.65", severity: .high), now: at(0))
        _ = policy.observe(event("2001:db8::65", severity: .high), now: at(5))
        let history = policy.offenderHistory()
        #expect(history.map(\.target) == [net("192.0.2.65/32"), net("2001:db8::65/128")])
        #expect(history.first?.bannedUntil == at(1800))

        var restarted = try makePolicy()
        restarted.restore(history, now: at(100))
        #expect(restarted.offenderHistory() == history)
        #expect(restarted.activeBans(now: at(100)).count == 2)
        #expect(restarted.observe(event("192.0.2.65", severity: .high), now: at(100)).isEmpty)
        #expect(restarted.observe(event("192.0.2.65", severity: .high), now: at(1801)).first?.offence == 2)
        // Records older than the history window are not restored.
        var late = try makePolicy()
        late.restore(history, now: at(31 * 86_400))
        #expect(late.offenderHistory().isEmpty)
    }
}

@Suite("Offender history persistence")
struct OffenderHistoryCodingTests {
    @Test func recordsRoundTripThroughJSON() throws {
        var policy = try makePolicy { $0.subnet.hosts = 2 }
        _ = policy.observe(event("198.51.100.1", severity: .high), now: at(0))
        _ = policy.observe(event("198.51.100.2", severity: .high), now: at(1))
        _ = policy.observe(event("2001:db8::9", severity: .high), now: at(2))
        let history = policy.offenderHistory()
        #expect(history.count == 4)
        let data = try JSONEncoder().encode(history)
        let decoded = try JSONDecoder().decode([OffenderRecord].self, from: data)
        #expect(decoded == history)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""target":"198.51.100.0\/24""#) || text.contains(#""target":"198.51.100.0/24""#))
    }

    @Test func corruptedRecordsAreRefused() {
        for json in [#"[{"target":"10.0.0.1/8","offences":1,"last_ban_ms":0,"banned_until_ms":0}]"#,
                     #"[{"target":"10.0.0.0/8","offences":0,"last_ban_ms":0,"banned_until_ms":0}]"#] {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode([OffenderRecord].self, from: Data(json.utf8)) }
        }
    }
}
