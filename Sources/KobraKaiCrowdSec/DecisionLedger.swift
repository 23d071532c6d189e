import KobraKaiAddress
import KobraKaiFirewall

/// Which CrowdSec decisions are active per target, and what the firewall must be told so that each
/// target is banned until its longest active decision ends.
///
/// CrowdSec may hold several decisions for one address (an agent's 4 h ban and an operator's 24 h one);
/// deleting one must not lift the ban while another still covers the address, and a shorter decision must
/// not cut a longer ban short. Pure value type: time is passed in.
struct DecisionLedger: Sendable {
    private struct Tracked: Sendable {
        /// Decision id → when it ends.
        var deadlines: [Int64: ContinuousClock.Instant] = [:]
        /// The deadline last given to the firewall, if banned.
        var applied: ContinuousClock.Instant?
        var comments: [Int64: String] = [:]
    }

    private var targets: [IPPrefix: Tracked] = [:]
    private var targetByID: [Int64: IPPrefix] = [:]
    private var dirty: Set<IPPrefix> = []
    /// Targets `markMissing` found gone from the firewall since `takeRestored` was last called.
    private var restored: Set<IPPrefix> = []

    /// Number of targets with at least one tracked decision.
    var activeTargets: Int { targets.count }

    func isTracked(_ target: IPPrefix) -> Bool { targets[target] != nil }

    mutating func add(_ decision: ParsedDecision, now: ContinuousClock.Instant) {
        if let previous = targetByID[decision.id], previous != decision.target { remove(id: decision.id) }
        // A full pull lists every decision again, with its remaining time measured anew: a known one keeps
        // its deadline, so that it changes nothing (no re-ban, no second history row) unless it is new.
        if targetByID[decision.id] == decision.target, targets[decision.target]?.deadlines[decision.id] != nil { return }
        targets[decision.target, default: Tracked()].deadlines[decision.id] = now + decision.remaining
        targets[decision.target]?.comments[decision.id] = decision.comment
        targetByID[decision.id] = decision.target
        dirty.insert(decision.target)
    }

    mutating func remove(id: Int64) {
        guard let target = targetByID.removeValue(forKey: id) else { return }
        targets[target]?.deadlines[id] = nil
        targets[target]?.comments[id] = nil
        dirty.insert(target)
    }

    /// After a full pull: forgets every decision not in `ids` (the ones the pull applied). Their deletions
    /// never arrived as deltas, so the next drain lifts what only they covered.
    mutating func keepOnly(ids: Set<Int64>) {
        for id in targetByID.keys where !ids.contains(id) { remove(id: id) }
    }

    /// After a full pull: targets believed banned that `present` (the firewall's list) lacks, a lost ban
    /// call or a re-created ruleset, are banned again by the next drain. The rest is left alone, so a full
    /// pull never rewrites bans that are in place.
    mutating func markMissing(present: Set<IPPrefix>, now: ContinuousClock.Instant) {
        for (target, tracked) in targets where !present.contains(target) {
            // One that ends within a second is left to expire: re-banning it would be refused (too short).
            guard let applied = tracked.applied, applied > now + .seconds(1) else { continue }
            targets[target]?.applied = nil
            dirty.insert(target)
            restored.insert(target)
        }
    }

    /// The targets `markMissing` put back since the last call: their next bans restore what the firewall
    /// lost, they are not new bans (not counted again, not a second history row).
    mutating func takeRestored() -> Set<IPPrefix> {
        defer { restored.removeAll() }
        return restored
    }

    /// Forgets that `target` is banned (the firewall refused it), so the next change bans it again.
    mutating func markNotApplied(_ target: IPPrefix) { targets[target]?.applied = nil }

    /// The bans (with the remaining time of the longest active decision) and unbans that bring the
    /// firewall in line with the decisions changed since the last call. Expired decisions are dropped:
    /// the kernel has expired their elements itself.
    mutating func drainChanges(now: ContinuousClock.Instant) -> (bans: [BanRequest], unbans: [IPPrefix]) {
        var bans: [BanRequest] = []
        var unbans: [IPPrefix] = []
        for target in dirty {
            guard var tracked = targets[target] else { continue }
            for (id, deadline) in tracked.deadlines where deadline <= now {
                tracked.deadlines[id] = nil
                tracked.comments[id] = nil
                targetByID[id] = nil
            }
            guard let longest = tracked.deadlines.max(by: { $0.value < $1.value }) else {
                if let applied = tracked.applied, applied > now { unbans.append(target) }
                targets[target] = nil
                continue
            }
            if tracked.applied != longest.value {
                bans.append(BanRequest(target: target, timeout: longest.value - now, comment: tracked.comments[longest.key]))
                tracked.applied = longest.value
            }
            targets[target] = tracked
        }
        dirty.removeAll(keepingCapacity: true)
        return (bans.sorted { $0.target < $1.target }, unbans.sorted())
    }

    /// Drops targets whose every decision has ended (no firewall change: the kernel expired them).
    mutating func purgeExpired(now: ContinuousClock.Instant) {
        for (target, tracked) in targets where tracked.deadlines.values.allSatisfy({ $0 <= now }) {
            for id in tracked.deadlines.keys { targetByID[id] = nil }
            targets[target] = nil
            dirty.remove(target)
        }
    }
}
