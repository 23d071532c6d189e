@testable import KobraKaiCrowdSec
import Testing

/// When the bouncer pulls and which pulls are full ones; time is passed in.
@Suite("CrowdSec bouncer: pull schedule")
struct PullScheduleTests {
    private let start = ContinuousClock.now
    private func at(_ milliseconds: Int) -> ContinuousClock.Instant { start + .milliseconds(milliseconds) }

    private func schedule(fullPullInterval: Duration = .seconds(600)) -> PullSchedule {
        var schedule = PullSchedule(interval: .seconds(1), fullPullInterval: fullPullInterval)
        #expect(schedule.isFullPullDue(at: at(0)))
        schedule.recordPull(full: true, changes: 10, started: at(0))
        return schedule
    }

    @Test("pulls start on a fixed cadence: a slow pull does not push the next one back, an overrun goes at once")
    func fixedCadence() {
        let schedule = schedule()
        #expect(schedule.delay(afterPullStartedAt: at(0), now: at(50)) == .milliseconds(950))
        #expect(schedule.delay(afterPullStartedAt: at(0), now: at(700)) == .milliseconds(300))
        #expect(schedule.delay(afterPullStartedAt: at(0), now: at(1_400)) == .zero)
    }

    @Test("deltas with nothing in them never call for a full pull before the periodic one")
    func quietStream() {
        var schedule = schedule()
        for second in 1...10 {
            #expect(!schedule.isFullPullDue(at: at(second * 1_000)))
            schedule.recordPull(full: false, changes: 0, started: at(second * 1_000))
        }
        #expect(schedule.isFullPullDue(at: at(600_000)))
    }

    @Test("a burst that went quiet is confirmed by one full pull, at once")
    func burstConfirmed() {
        var schedule = schedule()
        schedule.recordPull(full: false, changes: 5_000, started: at(5_000))
        // Still streaming: a full pull now could miss a batch in flight just like a delta.
        #expect(!schedule.isFullPullDue(at: at(5_300)))
        #expect(schedule.delay(afterPullStartedAt: at(5_000), now: at(5_300)) == .milliseconds(700))
        schedule.recordPull(full: false, changes: 4_900, started: at(6_000))
        #expect(!schedule.isFullPullDue(at: at(7_000)))
        schedule.recordPull(full: false, changes: 0, started: at(7_000))
        #expect(schedule.delay(afterPullStartedAt: at(7_000), now: at(7_010)) == .zero)
        #expect(schedule.isFullPullDue(at: at(7_010)))
        schedule.recordPull(full: true, changes: 10_000, started: at(7_010))
        // Confirmed: back to deltas on the cadence.
        #expect(!schedule.isFullPullDue(at: at(8_010)))
        #expect(schedule.delay(afterPullStartedAt: at(7_010), now: at(7_200)) == .milliseconds(810))
    }

    @Test("confirmations are at least three intervals after the last full pull")
    func confirmationSpacing() {
        var schedule = schedule()
        schedule.recordPull(full: false, changes: 1, started: at(1_000))
        schedule.recordPull(full: false, changes: 0, started: at(2_000))
        #expect(!schedule.isFullPullDue(at: at(2_010)))
        #expect(schedule.delay(afterPullStartedAt: at(2_000), now: at(2_010)) == .milliseconds(990))
        #expect(schedule.isFullPullDue(at: at(3_000)))
    }

    @Test("a full pull during a burst does not count as its confirmation")
    func fullPullDuringBurst() {
        var schedule = schedule(fullPullInterval: .seconds(5))
        schedule.recordPull(full: false, changes: 50, started: at(4_000))
        #expect(schedule.isFullPullDue(at: at(5_000)))
        schedule.recordPull(full: true, changes: 50, started: at(5_000))
        schedule.recordPull(full: false, changes: 0, started: at(6_000))
        #expect(!schedule.isFullPullDue(at: at(7_000)))
        #expect(schedule.isFullPullDue(at: at(8_000)))
    }

    @Test("with the periodic full pull off, bursts are still confirmed")
    func periodicOff() {
        var schedule = schedule(fullPullInterval: .zero)
        #expect(!schedule.isFullPullDue(at: at(3_600_000)))
        schedule.recordPull(full: false, changes: 3, started: at(3_600_000))
        schedule.recordPull(full: false, changes: 0, started: at(3_601_000))
        #expect(schedule.isFullPullDue(at: at(3_601_000)))
    }
}
