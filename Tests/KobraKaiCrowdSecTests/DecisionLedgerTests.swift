import KobraKaiAddress
import KobraKaiFirewall
@testable import KobraKaiCrowdSec
import Testing

@Suite("Longest decision per address wins")
struct DecisionLedgerTests {
    private let start = ContinuousClock.now
    private let host = IPPrefix("192.0.2.7")!

    private func decision(_ id: Int64, _ target: IPPrefix, _ remaining: Duration) -> ParsedDecision {
        ParsedDecision(id: id, target: target, remaining: remaining, comment: "crowdsec: d\(id)")
    }

    @Test("a shorter decision never shortens a ban; deleting it keeps the ban")
    func shorterKeeps() {
        var ledger = DecisionLedger()
        ledger.add(decision(1, host, .seconds(3 * 3600)), now: start)
        #expect(ledger.drainChanges(now: start).bans == [BanRequest(target: host, timeout: .seconds(3 * 3600), comment: "crowdsec: d1")])
        ledger.add(decision(2, host, .seconds(3600)), now: start)
        let afterShort = ledger.drainChanges(now: start)
        #expect(afterShort.bans.isEmpty && afterShort.unbans.isEmpty)
        ledger.remove(id: 2)
        let afterDelete = ledger.drainChanges(now: start + .seconds(10))
        #expect(afterDelete.bans.isEmpty && afterDelete.unbans.isEmpty)
        ledger.remove(id: 1)
        #expect(ledger.drainChanges(now: start + .seconds(20)).unbans == [host])
        #expect(ledger.activeTargets == 0)
    }

    @Test("a longer decision extends; deleting it re-bans for what the shorter one has left")
    func longerExtends() {
        var ledger = DecisionLedger()
        ledger.add(decision(1, host, .seconds(600)), now: start)
        _ = ledger.drainChanges(now: start)
        ledger.add(decision(2, host, .seconds(7200)), now: start + .seconds(100))
        #expect(ledger.drainChanges(now: start + .seconds(100)).bans.map(\.timeout) == [.seconds(7200)])
        ledger.remove(id: 2)
        let changes = ledger.drainChanges(now: start + .seconds(200))
        #expect(changes.bans == [BanRequest(target: host, timeout: .seconds(400), comment: "crowdsec: d1")])
    }

    @Test("one pull with many changes gives one ban list and one unban list")
    func batching() {
        var ledger = DecisionLedger()
        for index in 1...100 { ledger.add(decision(Int64(index), IPPrefix("198.51.100.\(index)")!, .seconds(60)), now: start) }
        ledger.add(decision(500, IPPrefix("203.0.113.0/24")!, .seconds(60)), now: start)
        let first = ledger.drainChanges(now: start)
        #expect(first.bans.count == 101 && first.unbans.isEmpty)
        for index in 1...50 { ledger.remove(id: Int64(index)) }
        ledger.remove(id: 999)  // unknown ids (expired before we started) are ignored
        let second = ledger.drainChanges(now: start + .seconds(1))
        #expect(second.bans.isEmpty && second.unbans.count == 50)
    }

    @Test("expired decisions are forgotten without an unban: the kernel expired them")
    func expiry() {
        var ledger = DecisionLedger()
        ledger.add(decision(1, host, .seconds(60)), now: start)
        _ = ledger.drainChanges(now: start)
        ledger.purgeExpired(now: start + .seconds(61))
        #expect(ledger.activeTargets == 0)
        ledger.remove(id: 1)
        #expect(ledger.drainChanges(now: start + .seconds(62)).unbans.isEmpty)
    }

    @Test("a full pull listing known decisions again changes nothing; the ones it no longer lists are lifted")
    func fullPullReconciles() {
        var ledger = DecisionLedger()
        let other = IPPrefix("198.51.100.1")!
        ledger.add(decision(1, host, .seconds(3600)), now: start)
        ledger.add(decision(2, other, .seconds(3600)), now: start)
        _ = ledger.drainChanges(now: start)
        // Ten minutes on, the full list shows decision 1 with its remaining time; decision 2 is gone.
        ledger.add(decision(1, host, .seconds(3000)), now: start + .seconds(600))
        ledger.keepOnly(ids: [1])
        ledger.markMissing(present: [host, other], now: start + .seconds(600))
        let changes = ledger.drainChanges(now: start + .seconds(600))
        #expect(changes.bans.isEmpty && changes.unbans == [other])
    }

    @Test("a target the firewall lost is banned again for what it has left")
    func missingRebanned() {
        var ledger = DecisionLedger()
        ledger.add(decision(1, host, .seconds(3600)), now: start)
        _ = ledger.drainChanges(now: start)
        ledger.markMissing(present: [], now: start + .seconds(600))
        #expect(ledger.drainChanges(now: start + .seconds(600)).bans
            == [BanRequest(target: host, timeout: .seconds(3000), comment: "crowdsec: d1")])
        // A restoration, not a new ban; said once.
        #expect(ledger.takeRestored() == [host])
        #expect(ledger.takeRestored().isEmpty)
    }

    @Test("targets still in the firewall are not restorations")
    func presentNotRestored() {
        let other = IPPrefix("198.51.100.1")!
        var ledger = DecisionLedger()
        ledger.add(decision(1, host, .seconds(3600)), now: start)
        ledger.add(decision(2, other, .seconds(3600)), now: start)
        _ = ledger.drainChanges(now: start)
        ledger.markMissing(present: [host], now: start + .seconds(60))
        #expect(ledger.takeRestored() == [other])
    }
}
