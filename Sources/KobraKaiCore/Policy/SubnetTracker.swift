import KobraKaiAddress

/// Recently banned hosts per network, for subnet escalation. Each network keeps at most `hosts`
/// (host, time) entries in flat arrays indexed by its LRU slot; a host banned again refreshes its time.
struct SubnetTracker: Sendable {
    struct Entry {
        var count: Int32 = 0
    }

    private var table: LRUTable<IPPrefix, Entry>
    private let hostsPerNetwork: Int
    private let window: Int64
    private var hosts: [IPPrefix?] = []
    private var times: [Int64] = []

    init(capacity: Int, hostsPerNetwork: Int, window: Duration) {
        table = LRUTable(capacity: capacity)
        self.hostsPerNetwork = hostsPerNetwork
        self.window = window.milliseconds
    }

    var count: Int { table.count }

    /// Records a host ban inside `network`; returns the distinct hosts banned within the window.
    mutating func recordHostBan(_ host: IPPrefix, in network: IPPrefix, time: Int64) -> Int {
        let slot: Int
        if let existing = table.slot(of: network) {
            slot = existing
            table.touch(slot)
        } else {
            slot = table.insert(network, Entry()).slot
            let needed = (slot + 1) * hostsPerNetwork
            if hosts.count < needed {
                hosts.append(contentsOf: repeatElement(nil, count: needed - hosts.count))
                times.append(contentsOf: repeatElement(0, count: needed - times.count))
            }
        }
        let base = slot * hostsPerNetwork
        var count = Int(table[slot].count)
        // Compact: keep live entries other than this host, in order; the entry list is tiny (≤ 64).
        var kept = 0
        for index in 0..<count where times[base + index] >= time - window && hosts[base + index] != host {
            hosts[base + kept] = hosts[base + index]
            times[base + kept] = times[base + index]
            kept += 1
        }
        count = kept
        if count == hostsPerNetwork {
            // Full of live hosts: the oldest makes room (the threshold is reached anyway).
            for index in 1..<count {
                hosts[base + index - 1] = hosts[base + index]
                times[base + index - 1] = times[base + index]
            }
            count -= 1
        }
        hosts[base + count] = host
        times[base + count] = time
        count += 1
        table[slot].count = Int32(count)
        return count
    }

    /// Forgets a network after it was banned itself.
    mutating func remove(_ network: IPPrefix) {
        if let slot = table.slot(of: network) { table.remove(slot) }
    }
}
