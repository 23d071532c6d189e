import KobraKaiAddress

/// Recent weighted events per tracked address (IPv6: per tracking prefix), capped and expiring.
///
/// Each address owns a fixed ring of `eventsPerAddress` entries in shared flat arrays indexed by its
/// LRU slot, so recording an event allocates nothing once the table is warm. A window sum is a scan
/// of at most `eventsPerAddress` entries: constant work per event.
struct AddressActivityTable: Sendable {
    struct Entry {
        var lastSeen: Int64
        var head: Int32 = 0
        var count: Int32 = 0
    }

    struct WindowCount {
        var points: Int
        var events: Int
    }

    private var table: LRUTable<IPPrefix, Entry>
    private let ringSize: Int
    private let longestWindow: Int64
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
        let slot = slotForWriting(key, time: time)
        let base = slot * ringSize
        var entry = table[slot]
        // Drop entries no class can count any more; the ring is in time order.
        while entry.count > 0 && times[base + Int(entry.head)] < time - longestWindow {
            entry.head = (entry.head + 1) % Int32(ringSize)
            entry.count -= 1
        }
        if Int(entry.count) == ringSize {
            mergeIntoNewest(&entry, base: base, points: eventPoints, classIndex: classIndex, time: time)
        } else {
            let index = base + (Int(entry.head) + Int(entry.count)) % ringSize
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
        for offset in 0..<Int(entry.count) {
            let index = base + (Int(entry.head) + offset) % ringSize
            if classes[index] == classIndex && times[index] >= oldestCounted {
                total.points += Int(points[index])
                total.events += Int(events[index])
            }
        }
        return total
    }

    /// Forgets an address (after it was banned: counting starts afresh when the ban ends).
    mutating func remove(_ key: IPPrefix) {
        if let slot = table.slot(of: key) { table.remove(slot) }
    }

    /// Frees up to `limit` least recently seen entries that no window can count any more, so idle
    /// memory is returned without a timer.
    mutating func expireIdle(now: Int64, limit: Int) {
        for _ in 0..<limit {
            guard let slot = table.leastRecentSlot, table[slot].lastSeen < now - longestWindow else { return }
            table.remove(slot)
        }
    }

    private mutating func slotForWriting(_ key: IPPrefix, time: Int64) -> Int {
        if let slot = table.slot(of: key) {
            table.touch(slot)
            return slot
        }
        let (slot, evicted) = table.insert(key, Entry(lastSeen: time))
        if evicted != nil { evictions += 1 }
        let needed = (slot + 1) * ringSize
        if times.count < needed {
            let extra = needed - times.count
            times.append(contentsOf: repeatElement(0, count: extra))
            points.append(contentsOf: repeatElement(0, count: extra))
            events.append(contentsOf: repeatElement(0, count: extra))
            classes.append(contentsOf: repeatElement(0, count: extra))
        }
        return slot
    }

    /// The ring is full of live entries: add the event to the newest entry of its class (keeping that
    /// entry's earlier time, so it expires no later than exact counting would), or replace the oldest.
    private mutating func mergeIntoNewest(
        _ entry: inout Entry, base: Int, points eventPoints: Int32, classIndex: UInt16, time: Int64
    ) {
        for offset in stride(from: Int(entry.count) - 1, through: 0, by: -1) {
            let index = base + (Int(entry.head) + offset) % ringSize
            if classes[index] == classIndex {
                points[index] &+= eventPoints
                events[index] &+= 1
                return
            }
        }
        let index = base + Int(entry.head)
        entry.head = (entry.head + 1) % Int32(ringSize)
        // The oldest entry leaves and the new one becomes the newest at the ring's end.
        let newest = base + (Int(entry.head) + Int(entry.count) - 1) % ringSize
        precondition(newest == index, "ring bookkeeping")
        times[index] = time
        points[index] = eventPoints
        events[index] = 1
        classes[index] = classIndex
    }
}
