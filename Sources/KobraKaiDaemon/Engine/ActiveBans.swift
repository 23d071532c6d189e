import KobraKaiAddress
import KobraKaiCore
import KobraKaiFirewall

/// The bans this daemon has put in force, mirrored in memory.
///
/// A ruleset repair (after `nft flush ruleset`) restores from here instead of reading the state database:
/// reading and parsing 100,000 rows takes longer than the kernel takes to load them, and a repair should
/// not depend on disk I/O at all. The state database stays the source of truth across restarts; this
/// mirror is filled from it once, at the first restore, and kept in step by every ban and unban.
///
/// Stored compactly because a flood puts tens of thousands of bans here: IPv4 hosts (nearly every ban)
/// are keyed by their 32-bit address, times are milliseconds, and reason and origin texts are numbers
/// into one shared table (a flood has a handful of distinct reasons). A `[IPPrefix: BanRecord]` table
/// cost 112 bytes a bucket; this one costs 28 (measured effect in docs/torture.md).
struct ActiveBans: Sendable {
    private struct StoredBan {
        var expiresAt: Int64
        var createdAt: Int64
        var reason: Int32
        var origin: Int32
    }

    private var hostsV4: [UInt32: StoredBan] = [:]
    /// Networks and IPv6 targets.
    private var others: [IPPrefix: StoredBan] = [:]
    private var texts = TextTable()
    /// False until the state database's bans were merged in (at the first restore).
    private(set) var isLoaded = false

    var count: Int { hostsV4.count + others.count }

    /// Records a ban; a later ban of the same target replaces the earlier one, as it does in the kernel.
    mutating func insert(_ record: BanRecord) {
        collectTextsIfNeeded()
        let stored = StoredBan(
            expiresAt: record.expiresAt.millisecondsSinceEpoch, createdAt: record.createdAt.millisecondsSinceEpoch,
            reason: texts.number(of: record.reason), origin: texts.number(of: record.origin))
        if let host = Self.ipv4Host(record.target) { hostsV4[host] = stored } else { others[record.target] = stored }
    }

    mutating func remove(_ targets: some Sequence<IPPrefix>) {
        for target in targets {
            if let host = Self.ipv4Host(target) { hostsV4[host] = nil } else { others[target] = nil }
        }
    }

    /// Merges the state database's bans (read into a mirror of their own, row by row); bans recorded in
    /// memory since start are newer and win.
    mutating func load(_ stored: ActiveBans) {
        if count == 0 {
            self = stored  // the usual start: nothing banned yet, take the compact table as it is
        } else {
            stored.forEach { record in if !contains(record.target) { insert(record) } }
        }
        isLoaded = true
    }

    /// The ban recorded for exactly `target`, if any (expired or not).
    func record(for target: IPPrefix) -> BanRecord? {
        let stored = Self.ipv4Host(target).map { hostsV4[$0] } ?? others[target]
        return stored.map { record(target, $0) }
    }

    /// What a restore sends: every ban still in force at `now` with its remaining time and reason, soonest
    /// expiry first (the state store's order, so restores and their logs read the same whichever source
    /// they came from); expired ones are dropped on the way. Built straight from the compact table: a
    /// `BanRecord` per ban beside the requests would be one more full copy during every repair.
    mutating func requests(at now: Timestamp) -> [BanRequest] {
        let limit = now.millisecondsSinceEpoch
        // Removed in place: filtering into a new table would hold two copies of every ban during each repair.
        for host in hostsV4.compactMap({ $0.value.expiresAt > limit ? nil : $0.key }) { hostsV4[host] = nil }
        for target in others.compactMap({ $0.value.expiresAt > limit ? nil : $0.key }) { others[target] = nil }
        var result: [BanRequest] = []
        result.reserveCapacity(count)
        for (host, stored) in hostsV4 {
            result.append(BanRequest(target: IPPrefix(host: .v4(IPv4Address(rawValue: host))),
                                     timeout: .milliseconds(stored.expiresAt - limit), comment: texts.text(stored.reason)))
        }
        for (target, stored) in others {
            result.append(BanRequest(target: target, timeout: .milliseconds(stored.expiresAt - limit),
                                     comment: texts.text(stored.reason)))
        }
        // Equal remaining time is equal expiry: the order of the store's `ORDER BY expires_at, target`.
        result.sort { ($0.timeout, $0.target) < ($1.timeout, $1.target) }
        return result
    }

    private func forEach(_ body: (BanRecord) -> Void) {
        for (host, stored) in hostsV4 { body(record(IPPrefix(host: .v4(IPv4Address(rawValue: host))), stored)) }
        for (target, stored) in others { body(record(target, stored)) }
    }

    private func contains(_ target: IPPrefix) -> Bool {
        if let host = Self.ipv4Host(target) { return hostsV4[host] != nil }
        return others[target] != nil
    }

    private func record(_ target: IPPrefix, _ stored: StoredBan) -> BanRecord {
        BanRecord(
            target: target, expiresAt: Timestamp(millisecondsSinceEpoch: stored.expiresAt),
            reason: texts.text(stored.reason), origin: texts.text(stored.origin),
            createdAt: Timestamp(millisecondsSinceEpoch: stored.createdAt))
    }

    /// Operator reasons are free text, so the text table is rebuilt from the live bans when it fills up.
    private mutating func collectTextsIfNeeded() {
        guard texts.isFull else { return }
        var live = TextTable.Collector(texts)
        for key in hostsV4.keys {
            hostsV4[key]!.reason = live.keep(hostsV4[key]!.reason)
            hostsV4[key]!.origin = live.keep(hostsV4[key]!.origin)
        }
        for key in others.keys {
            others[key]!.reason = live.keep(others[key]!.reason)
            others[key]!.origin = live.keep(others[key]!.origin)
        }
        texts = live.table
    }

    private static func ipv4Host(_ target: IPPrefix) -> UInt32? {
        guard target.length == 32, case .v4(let address) = target.network else { return nil }
        return address.rawValue
    }
}
