import KobraKaiAddress

/// Addresses that authenticated successfully, with the time their trust ends. Capped by LRU; only
/// successful authentications (which attackers cannot fake without credentials) add entries.
struct TrustTable: Sendable {
    private var table: LRUTable<IPPrefix, Int64>

    init(capacity: Int) {
        table = LRUTable(capacity: capacity)
    }

    var count: Int { table.count }

    mutating func grant(_ key: IPPrefix, until: Int64) {
        if let slot = table.slot(of: key) {
            table[slot] = max(table[slot], until)
            table.touch(slot)
        } else {
            _ = table.insert(key, until)
        }
    }

    func isTrusted(_ key: IPPrefix, now: Int64) -> Bool {
        guard let slot = table.slot(of: key) else { return false }
        return table[slot] > now
    }
}
