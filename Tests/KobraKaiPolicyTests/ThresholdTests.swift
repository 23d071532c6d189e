import KobraKaiAddress
import KobraKaiCore
import Testing

@Suite("Thresholds, windows and severities")
struct ThresholdTests {
    @Test func highSeverityBansOnTheFirstEvent() throws {
        var policy = try makePolicy()
        let decisions = policy.observe(event("203.0.113.9", rule: "pjsip-scanner", severity: .high), now: at(0))
        let decision = try #require(decisions.first)
        #expect(decisions.count == 1)
        #expect(decision.target == net("203.0.113.9/32"))
        #expect(decision.kind == .firstEvent)
        #expect(decision.rule == "pjsip-scanner")
        #expect(decision.reason == "pjsip-scanner: high severity, first event")
        #expect(decision.duration == .seconds(1800))
        #expect(decision.offence == 1 && !decision.isRepeat)
        #expect(decision.time == at(0))
        #expect(decision.origin == .logFile)
    }

    @Test func mediumBansOnTheNthEventWithinTheWindow() throws {
        var policy = try makePolicy()
        let sample = event("203.0.113.10", rule: "pjsip-no-endpoint")
        #expect(feed(&policy, sample, count: 4).isEmpty)
        let decisions = policy.observe(sample, now: at(4))
        #expect(decisions.count == 1)
        #expect(decisions.first?.kind == .threshold)
        #expect(decisions.first?.reason == "pjsip-no-endpoint: 5 events in 60s")
    }

    @Test func anEventExactlyOneWindowOldStillCounts() throws {
        var policy = try makePolicy()
        let sample = event("203.0.113.11")
        #expect(feed(&policy, sample, count: 4, start: 0, step: 1).isEmpty)
        // The first event (t=0) is exactly 60 s old at t=60: inside.
        #expect(policy.observe(sample, now: at(60)).count == 1)
    }

    @Test func anEventOneMillisecondOutsideTheWindowDoesNotCount() throws {
        var policy = try makePolicy()
        let sample = event("203.0.113.12")
        #expect(feed(&policy, sample, count: 4, start: 0, step: 1).isEmpty)
        #expect(policy.observe(sample, now: at(60.001)).isEmpty)
        // Events at 1, 2, 3, 60.001 and now 60.5 are within 60 s of each other: five.
        #expect(policy.observe(sample, now: at(60.5)).count == 1)
    }

    @Test func lowEventsCountAtTheirWeight() throws {
        var policy = try makePolicy()  // low weight 0.25, threshold 5: twenty low events
        let low = event("203.0.113.13", severity: .low)
        #expect(feed(&policy, low, count: 19, step: 0.5).isEmpty)
        #expect(policy.observe(low, now: at(10)).count == 1)

        var mixed = try makePolicy()
        let address = "203.0.113.14"
        #expect(feed(&mixed, event(address), count: 4).isEmpty)
        #expect(feed(&mixed, event(address, severity: .low), count: 3, start: 5).isEmpty)
        let decisions = mixed.observe(event(address, severity: .low), now: at(9))
        #expect(decisions.count == 1)
        #expect(decisions.first?.reason == "pjsip-invalid-password: 8 events in 60s")
    }

    @Test func lowWeightZeroNeverBans() throws {
        var policy = try makePolicy { $0.lowWeight = 0 }
        #expect(feed(&policy, event("203.0.113.15", severity: .low), count: 500, step: 0.01).isEmpty)
    }

    @Test func informationalNeverBans() throws {
        var policy = try makePolicy()
        let sample = event("203.0.113.16", rule: "security-challenge-sent", severity: .informational, account: "x")
        #expect(feed(&policy, sample, count: 2000, step: 0.001).isEmpty)
        #expect(policy.statistics.hostBans == 0)
    }

    @Test func ruleAndGroupOverridesHaveTheirOwnCounters() throws {
        var policy = try makePolicy {
            $0.rules = [
                RuleOverride(selector: "ami-*", threshold: 2, window: .seconds(10)),
                RuleOverride(selector: "ami-login-failed", threshold: 3),
            ]
        }
        // Group: two events within 10 s.
        #expect(policy.observe(event("198.51.100.1", rule: "ami-bad-request"), now: at(0)).isEmpty)
        #expect(policy.observe(event("198.51.100.1", rule: "ami-bad-request"), now: at(11)).isEmpty)
        let group = policy.observe(event("198.51.100.1", rule: "ami-bad-request"), now: at(12))
        #expect(group.first?.reason == "ami-bad-request: 2 events in 10s")
        // The exact id wins over the group: three events, default window.
        #expect(feed(&policy, event("198.51.100.2", rule: "ami-login-failed"), count: 2, step: 20).isEmpty)
        #expect(policy.observe(event("198.51.100.2", rule: "ami-login-failed"), now: at(45)).count == 1)
        // Default-class events do not add to an override's counter (and vice versa).
        var separate = try makePolicy { $0.rules = [RuleOverride(selector: "ami-*", threshold: 2)] }
        #expect(feed(&separate, event("198.51.100.3"), count: 4).isEmpty)
        #expect(separate.observe(event("198.51.100.3", rule: "ami-x"), now: at(5)).isEmpty)
        #expect(separate.observe(event("198.51.100.3"), now: at(6)).first?.rule == "pjsip-invalid-password")
    }

    @Test func severityOverridesReplaceTheParsersSeverity() throws {
        var policy = try makePolicy {
            $0.rules = [
                RuleOverride(selector: "noisy", severity: .informational),
                RuleOverride(selector: "fatal", severity: .high),
            ]
        }
        #expect(feed(&policy, event("198.51.100.4", rule: "noisy", severity: .high), count: 50).isEmpty)
        #expect(policy.observe(event("198.51.100.5", rule: "fatal", severity: .low), now: at(0)).count == 1)
    }

    @Test func backlogEventsKeepTheirOwnSpacing() throws {
        var policy = try makePolicy()
        // Five lines 20 s apart, read in one burst at t=100: they span 80 s, more than the 60 s window.
        var decisions: [BanDecision] = []
        for index in 0..<5 {
            decisions += policy.observe(event("198.51.100.6", time: at(Double(index) * 20)), now: at(100))
        }
        #expect(decisions.isEmpty)
        // A line stamped in the future is clamped to now and cannot stretch a window forwards.
        var future = try makePolicy()
        for index in 0..<4 { _ = future.observe(event("198.51.100.7", time: at(Double(index))), now: at(Double(index))) }
        #expect(future.observe(event("198.51.100.7", time: at(10_000)), now: at(5)).count == 1)
    }
}
