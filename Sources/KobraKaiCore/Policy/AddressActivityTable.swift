import KobraKaiAddress

/// Recent weighted events per tracked address (IPv6: per tracking prefix), capped and expiring.
///
/// Most addresses in a flood send one event and are never heard from again, so an address starts with a
/// single event slot of its own (its "home", one per LRU slot) and gets a ring of `eventsPerAddress`
/// entries from a shared pool only when a second live event arrives. Rings go back to the pool when
/// their address is banned, evicted or expires, so a million one-event sources cost one entry each
/// instead of a full ring each (measured with make torture: docs/torture.md). Every entry lives in shared
/// flat arrays, so recording an event allocates nothing once the table is warm, and a window sum is a
/// scan of at most `eventsPerAddress` entries: constant work per event. Counting is the same as with a
/// full ring from the first event: a one-entry home is never full while a ring can be had.
struct AddressActivityTable: Sendable {
    struct Entry {
        var lastSeen: Int64
        /// First entry of this address's events in the flat arrays: its home, or its ring.
        var base: Int32
        /// Entries at `base`: 1 (home) or `ringSize` (ring from the pool).
        var size: Int32 = 1
        var head: Int32 = 0
        var count: Int32 = 0
    }

    struct WindowCount {
        var points: Int
        var events: Int
    }

    private var table: LRUTable<TrackingKey, Entry>
    private let ringSize: Int
    private let longestWindow: Int64
    /// Home entry of each LRU slot; a slot keeps its home when it is reused by another address.
    private var homes: [Int32] = []
    /// Bases of rings returned to the pool.
    private var freeRings: [Int32] = []
    private var times: [Int64] = []
    private var points: [Int32] = []
    private var events: [Int32] = []
    private var classes: [UInt16] = []
    private(set) var evictions = 0

    init(capacity: Int, eventsPerAddress: Int, longestWindow: Duration) {
        table = LRUTable(capacity: capacity)
        ringSize = eventsPerAddress
        self.longestWindow = longestWindow.milliseconds
    }

    var count: Int { table.count }

    /// Records one event and returns the weighted count of its class within `window`.
    mutating func record(
        _ key: IPPrefix, time: Int64, points eventPoints: Int32, classIndex: UInt16, window: Duration
    ) -> WindowCount {
        let slot = slotForWriting(TrackingKey(key), time: time)
        var entry = table[slot]
        // Drop entries no class can count any more; the ring is in time order.
        while entry.count > 0 && times[Int(entry.base + entry.head)] < time - longestWindow {
            entry.head = (entry.head + 1) % entry.size
            entry.count -= 1
        }
        if entry.count == entry.size && Int(entry.size) < ringSize { moveToRing(&entry) }
        if entry.count == entry.size {
            mergeIntoNewest(&entry, points: eventPoints, classIndex: classIndex, time: time)
        } else {
            let index = Int(entry.base + (entry.head + entry.count) % entry.size)
            times[index] = time
            points[index] = eventPoints
            events[index] = 1
            classes[index] = classIndex
            entry.count += 1
        }
        entry.lastSeen = time
        table[slot] = entry
        let oldestCounted = time - window.milliseconds
        var total = WindowCount(points: 0, events: 0)
        for offset in 0..<entry.count {
            let index = Int(entry.base + (entry.head + offset) % entry.size)
            if classes[index] == classIndex && times[index] >= oldestCounted {
                total.points += Int(points[index])
                total.events += Int(events[index])
            }
        }
        return total
    }

    /// Forgets an address (after it was banned: counting starts afresh when the ban ends).
    mutating func remove(_ key: IPPrefix) {
        if let slot = table.slot(of: TrackingKey(key)) { release(slot) }
    }

    /// Frees up to `limit` least recently seen entries that no window can count any more, so idle
    /// memory is returned without a timer.
    mutating func expireIdle(now: Int64, limit: Int) {
        for _ in 0..<limit {
            guard let slot = table.leastRecentSlot, table[slot].lastSeen < now - longestWindow else { return }
            release(slot)
        }
    }

    private mutating func slotForWriting(_ key: TrackingKey, time: Int64) -> Int {
        if let slot = table.slot(of: key) {
            table.touch(slot)
            return slot
        }
        // Evicted here rather than inside the LRU table, so the evicted address's ring goes back to the pool.
        if table.count >= table.capacity, let oldest = table.leastRecentSlot {
            release(oldest)
            evictions += 1
        }
        let slot = table.insert(key, Entry(lastSeen: time, base: 0)).slot
        if slot == homes.count { homes.append(Int32(appendEntries(1))) }
        table[slot].base = homes[slot]
        return slot
    }

    /// Moves a full home entry into a ring from the pool (or a new one).
    private mutating func moveToRing(_ entry: inout Entry) {
        let ring = freeRings.popLast().map(Int.init) ?? appendEntries(ringSize)
        let home = Int(entry.base + entry.head)
        for offset in 0..<Int(entry.count) {
            let from = home + offset
            times[ring + offset] = times[from]
            points[ring + offset] = points[from]
            events[ring + offset] = events[from]
            classes[ring + offset] = classes[from]
        }
        entry.base = Int32(ring)
        entry.size = Int32(ringSize)
        entry.head = 0
    }

    /// Removes the address in `slot`, returning its ring (if it had one) to the pool.
    private mutating func release(_ slot: Int) {
        let entry = table[slot]
        if entry.base != homes[slot] { freeRings.append(entry.base) }
        table.remove(slot)
    }

    /// Grows the flat arrays by `count` entries; returns the index of the first.
    private mutating func appendEntries(_ count: Int) -> Int {
        let first = times.count
        times.append(contentsOf: repeatElement(0, count: count))
        points.append(contentsOf: repeatElement(0, count: count))
        events.append(contentsOf: repeatElement(0, count: count))
        classes.append(contentsOf: repeatElement(0, count: count))
        return first
    }

    /// The ring is full of live entries: add the event to the newest entry of its class (keeping that
    /// entry's earlier time, so it expires no later than exact counting would), or replace the oldest.
    private mutating func mergeIntoNewest(_ entry: inout Entry, points eventPoints: Int32, classIndex: UInt16, time: Int64) {
        for offset in stride(from: entry.count - 1, through: 0, by: -1) {
            let index = Int(entry.base + (entry.head + offset) % entry.size)
            if classes[index] == classIndex {
                points[index] &+= eventPoints
                events[index] &+= 1
                return
            }
        }
        let index = Int(entry.base + entry.head)
        entry.head = (entry.head + 1) % entry.size
        // The oldest entry leaves and the new one becomes the newest at the ring's end.
        let newest = Int(entry.base + (entry.head + entry.count - 1) % entry.size)
        precondition(newest == index, "ring bookkeeping")
        times[index] = time
        points[index] = eventPoints
        events[index] = 1
        classes[index] = classIndex
    }
}
