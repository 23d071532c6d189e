import KobraKaiAddress

/// Ban history per target: offence count for progressive ban times, and the end of the current ban
/// for duplicate suppression. Capped with LRU eviction; the daemon persists it through `OffenderRecord`.
struct OffenderTable: Sendable {
    struct State {
        var offences: Int
        var lastBan: Int64
        var bannedUntil: Int64
    }

    private var table: LRUTable<IPPrefix, State>
    private let settings: BanTimeSettings

    init(capacity: Int, settings: BanTimeSettings) {
        table = LRUTable(capacity: capacity)
        self.settings = settings
    }

    var count: Int { table.count }

    var isEmpty: Bool { table.count == 0 }

    func isBanned(_ target: IPPrefix, now: Int64) -> Bool {
        guard let slot = table.slot(of: target) else { return false }
        return table[slot].bannedUntil > now
    }

    /// Records a new ban of `target` and returns its offence number and duration.
    mutating func recordBan(_ target: IPPrefix, now: Int64) -> (offence: Int, duration: Duration) {
        let history = settings.history.milliseconds
        var offence = 1
        if let slot = table.slot(of: target) {
            let previous = table[slot]
            if now - previous.lastBan <= history { offence = previous.offences + 1 }
            table.remove(slot)
        }
        let duration = settings.duration(forOffence: offence)
        _ = table.insert(target, State(offences: offence, lastBan: now, bannedUntil: now + duration.milliseconds))
        forgetOld(now: now, limit: 2)
        return (offence, duration)
    }

    /// Ends the policy's memory of a current ban (an operator unbanned it), keeping the offence count.
    mutating func release(_ target: IPPrefix, now: Int64) {
        guard let slot = table.slot(of: target) else { return }
        table[slot].bannedUntil = min(table[slot].bannedUntil, now)
    }

    /// Records least recently banned first, so that restoring them in order rebuilds the same LRU order.
    func records() -> [OffenderRecord] {
        table.slotsFromLeastRecent().map { slot in
            let state = table[slot]
            return OffenderRecord(
                target: table.key(at: slot), offences: state.offences,
                lastBan: Timestamp(millisecondsSinceEpoch: state.lastBan),
                bannedUntil: Timestamp(millisecondsSinceEpoch: state.bannedUntil))
        }
    }

    /// Re-inserts persisted records, skipping those past the history window and still-active ones' peers.
    mutating func restore(_ records: [OffenderRecord], now: Int64) {
        let history = settings.history.milliseconds
        for record in records.sorted(by: { $0.lastBan < $1.lastBan }) {
            let lastBan = record.lastBan.millisecondsSinceEpoch
            guard record.offences > 0, now - lastBan <= history else { continue }
            if let slot = table.slot(of: record.target) {
                guard table[slot].lastBan <= lastBan else { continue }
                table.remove(slot)
            }
            _ = table.insert(
                record.target,
                State(offences: record.offences, lastBan: lastBan, bannedUntil: record.bannedUntil.millisecondsSinceEpoch))
        }
    }

    /// Drops history that the window no longer remembers, from the least recently banned end.
    private mutating func forgetOld(now: Int64, limit: Int) {
        let history = settings.history.milliseconds
        for _ in 0..<limit {
            guard let slot = table.leastRecentSlot else { return }
            let state = table[slot]
            guard now - state.lastBan > history, state.bannedUntil <= now else { return }
            table.remove(slot)
        }
    }
}
