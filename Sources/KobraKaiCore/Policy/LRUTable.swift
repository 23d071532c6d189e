/// A map with a hard capacity that evicts its least recently used entry, every operation O(1).
///
/// Entries live in parallel arrays ("slots") linked into a doubly linked recency list by index, so there
/// is one allocation per table rather than one per entry, and a slot number stays valid for as long as its
/// key is present. Callers keep bulky per-entry data (event rings) in their own arrays indexed by slot.
/// This is what keeps a flood of a million spoofed addresses from growing the daemon's memory.
struct LRUTable<Key: Hashable, Value> {
    let capacity: Int
    private var slotOfKey: [Key: Int32] = [:]
    private var keys: [Key] = []
    private var values: [Value] = []
    private var newer: [Int32] = []
    private var older: [Int32] = []
    /// Most recently used slot, or -1.
    private var newest: Int32 = -1
    /// Least recently used slot, or -1.
    private var oldest: Int32 = -1
    private var freeSlots: [Int32] = []

    init(capacity: Int) {
        precondition(capacity > 0 && capacity < Int(Int32.max), "capacity out of range")
        self.capacity = capacity
        slotOfKey.reserveCapacity(min(capacity, 4096))
    }

    var count: Int { slotOfKey.count }

    /// The number of slots ever allocated: callers size their per-slot arrays to this.
    var allocatedSlots: Int { keys.count }

    /// The slot holding `key`, without changing its recency.
    func slot(of key: Key) -> Int? {
        slotOfKey[key].map(Int.init)
    }

    func key(at slot: Int) -> Key { keys[slot] }

    subscript(slot: Int) -> Value {
        get { values[slot] }
        _modify { yield &values[slot] }
        set { values[slot] = newValue }
    }

    /// The least recently used slot, the next one to be evicted.
    var leastRecentSlot: Int? { oldest < 0 ? nil : Int(oldest) }

    /// Marks `slot` as the most recently used.
    mutating func touch(_ slot: Int) {
        let index = Int32(slot)
        guard newest != index else { return }
        unlink(index)
        linkAsNewest(index)
    }

    /// Inserts a key that is not present, evicting the least recently used entry when full.
    /// - Returns: the new slot and, when one was evicted, the evicted key (its slot is the one reused).
    mutating func insert(_ key: Key, _ value: Value) -> (slot: Int, evicted: Key?) {
        precondition(slotOfKey[key] == nil, "key already present")
        var evicted: Key?
        if slotOfKey.count >= capacity, oldest >= 0 {
            evicted = keys[Int(oldest)]
            remove(Int(oldest))
        }
        let index: Int32
        if let free = freeSlots.popLast() {
            index = free
            keys[Int(index)] = key
            values[Int(index)] = value
        } else {
            index = Int32(keys.count)
            keys.append(key)
            values.append(value)
            newer.append(-1)
            older.append(-1)
        }
        slotOfKey[key] = index
        linkAsNewest(index)
        return (Int(index), evicted)
    }

    /// Removes the entry in `slot`; the slot is reused by a later insert.
    mutating func remove(_ slot: Int) {
        let index = Int32(slot)
        slotOfKey.removeValue(forKey: keys[slot])
        unlink(index)
        freeSlots.append(index)
    }

    /// Slots from least to most recently used.
    func slotsFromLeastRecent() -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(count)
        var index = oldest
        while index >= 0 {
            result.append(Int(index))
            index = newer[Int(index)]
        }
        return result
    }

    private mutating func unlink(_ index: Int32) {
        let before = older[Int(index)]
        let after = newer[Int(index)]
        if before >= 0 { newer[Int(before)] = after } else { oldest = after }
        if after >= 0 { older[Int(after)] = before } else { newest = before }
        newer[Int(index)] = -1
        older[Int(index)] = -1
    }

    private mutating func linkAsNewest(_ index: Int32) {
        older[Int(index)] = newest
        newer[Int(index)] = -1
        if newest >= 0 { newer[Int(newest)] = index }
        newest = index
        if oldest < 0 { oldest = index }
    }
}

extension LRUTable: Sendable where Key: Sendable, Value: Sendable {}
