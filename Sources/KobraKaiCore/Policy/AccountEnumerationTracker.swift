import KobraKaiAddress

/// Counts distinct accounts per address within a sliding window, in bounded memory.
///
/// Accounts are attacker-written text, so only a hash of (at most) their first 256 bytes is kept, with
/// the process-random seed of `Hasher` so that no one can precompute colliding names. All
/// (address, account) pairs share one LRU table ordered by last use: since time only moves forward, its
/// least recently used end is also its oldest, so expiring the window is popping that end. A per-address
/// count is kept alongside, making each event O(1) amortised.
struct AccountEnumerationTracker: Sendable {
    /// 24 bytes (was 40 with an `IPPrefix`): 100,000 pairs by default (measured in docs/torture.md).
    struct Pair: Hashable, Sendable {
        var key: TrackingKey
        var account: Int
    }

    private var pairs: LRUTable<Pair, Int64>
    private var distinct: [TrackingKey: Int32] = [:]
    private let window: Int64

    init(capacity: Int, window: Duration) {
        pairs = LRUTable(capacity: capacity)
        self.window = window.milliseconds
    }

    var pairCount: Int { pairs.count }

    /// Records that `key` tried `account` at `time`; returns the distinct accounts within the window.
    mutating func record(_ prefix: IPPrefix, account: String, time: Int64) -> Int {
        expire(now: time)
        let key = TrackingKey(prefix)
        var hasher = Hasher()
        hasher.combine(account.utf8.count)
        for byte in account.utf8.prefix(256) { hasher.combine(byte) }
        let pair = Pair(key: key, account: hasher.finalize())
        if let slot = pairs.slot(of: pair) {
            pairs[slot] = time
            pairs.touch(slot)
        } else {
            let (_, evicted) = pairs.insert(pair, time)
            if let evicted { decrement(evicted.key) }
            distinct[key, default: 0] += 1
        }
        return Int(distinct[key] ?? 0)
    }

    /// Forgets the count of an address that was just banned. Its pairs stay until they expire; when they
    /// do, they can only lower a later count (never raise it), so a returning attacker is never banned early.
    mutating func reset(_ prefix: IPPrefix) {
        distinct.removeValue(forKey: TrackingKey(prefix))
    }

    private mutating func expire(now: Int64) {
        while let slot = pairs.leastRecentSlot, pairs[slot] < now - window {
            let key = pairs.key(at: slot).key
            pairs.remove(slot)
            decrement(key)
        }
    }

    private mutating func decrement(_ key: TrackingKey) {
        guard let current = distinct[key] else { return }
        if current <= 1 { distinct.removeValue(forKey: key) } else { distinct[key] = current - 1 }
    }
}
