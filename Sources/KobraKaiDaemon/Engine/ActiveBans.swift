import KobraKaiAddress
import KobraKaiCore

/// The bans this daemon has put in force, mirrored in memory.
///
/// A ruleset repair (after `nft flush ruleset`) restores from here instead of reading the state database:
/// reading and parsing 100,000 rows takes longer than the kernel takes to load them, and a repair should
/// not depend on disk I/O at all. The state database stays the source of truth across restarts; this
/// mirror is filled from it once, at the first restore, and kept in step by every ban and unban.
struct ActiveBans: Sendable {
    private var records: [IPPrefix: BanRecord] = [:]
    /// One copy of each reason text: a flood gives tens of thousands of bans with a handful of distinct
    /// reasons, and a separate heap string per ban cost about 100 bytes each (measured with make torture).
    /// Bounded, because operator reasons are free text.
    private var reasons: Set<String> = []
    private static let maxReasons = 1024
    /// False until the state database's bans were merged in (at the first restore).
    private(set) var isLoaded = false

    var count: Int { records.count }

    /// Records a ban; a later ban of the same target replaces the earlier one, as it does in the kernel.
    mutating func insert(_ record: BanRecord) { records[record.target] = interningReason(record) }

    mutating func remove(_ targets: some Sequence<IPPrefix>) {
        for target in targets { records[target] = nil }
    }

    /// Merges the state database's bans; bans recorded in memory since start are newer and win.
    mutating func load(_ stored: [BanRecord]) {
        for record in stored where records[record.target] == nil { records[record.target] = interningReason(record) }
        isLoaded = true
    }

    /// The bans still in force at `now`, soonest expiry first (the state store's order, so restores and their
    /// logs read the same whichever source they came from); expired ones are dropped on the way.
    mutating func unexpired(at now: Timestamp) -> [BanRecord] {
        // Removed in place: filtering into a new table held two copies of every ban during each repair.
        let expired = records.compactMap { $0.value.expiresAt > now ? nil : $0.key }
        for target in expired { records[target] = nil }
        return records.values.sorted { ($0.expiresAt, $0.target) < ($1.expiresAt, $1.target) }
    }

    private mutating func interningReason(_ record: BanRecord) -> BanRecord {
        var record = record
        if let index = reasons.firstIndex(of: record.reason) {
            record.reason = reasons[index]
        } else if reasons.count < Self.maxReasons {
            reasons.insert(record.reason)
        }
        return record
    }
}
