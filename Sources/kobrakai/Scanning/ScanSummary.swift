import KobraKaiAddress
import KobraKaiCore

/// What a scan saw, for the stderr summary and the text report.
struct ScanSummary {
    struct Notice {
        let file: String
        let line: Int
        let reason: String
    }

    static let listedNoticeLimit = 50

    var linesRead = 0
    var events = 0
    /// Per-rule counts in first-seen order. A scan meets a few dozen rules at most, and ids of one rule
    /// share storage, so a linear search is cheaper than hashing the id for every event.
    var eventsByRule: [(rule: String, count: Int)] = []
    struct AddressTally {
        var count = 0
        var attacks = 0
        /// Distinct rules, in first-seen order. An address hits a handful of rules, and ids of the same
        /// rule share storage, so a linear search beats hashing the id for every event.
        var rules: [String] = []

        mutating func record(_ event: SecurityEvent) {
            count += 1
            if event.severity > .informational { attacks += 1 }
            if !rules.contains(where: { ScanSummary.sameRule($0, event.rule) }) { rules.append(event.rule) }
        }
    }

    var eventsByAddress: [IPAddress: AddressTally] = [:]
    var injections: [Notice] = []
    var injectionCount = 0
    var malformed: [Notice] = []
    var malformedCount = 0

    mutating func record(_ event: SecurityEvent) {
        events += 1
        if let index = eventsByRule.firstIndex(where: { Self.sameRule($0.rule, event.rule) }) {
            eventsByRule[index].count += 1
        } else {
            eventsByRule.append((event.rule, 1))
        }
        // Mutated in place: copying the tally out and back would copy its rule set on every event.
        eventsByAddress[event.address, default: AddressTally()].record(event)
    }

    /// String equality that rejects different lengths first (O(1) for native strings): most comparisons
    /// in the tallies are between different rule ids.
    @inline(__always)
    static func sameRule(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.count == rhs.utf8.count && lhs == rhs
    }

    mutating func recordInjection(file: String, line: Int, reason: String) {
        injectionCount += 1
        if injections.count < Self.listedNoticeLimit {
            injections.append(Notice(file: file, line: line, reason: reason))
        }
    }

    mutating func recordMalformed(file: String, line: Int, reason: String) {
        malformedCount += 1
        if malformed.count < Self.listedNoticeLimit { malformed.append(Notice(file: file, line: line, reason: reason)) }
    }

    /// The summary text (stderr with --json, stdout otherwise).
    func report(topAddresses: Int) -> String {
        var text = "lines read: \(linesRead)\n"
        text += "events: \(events)\n"
        for (rule, count) in eventsByRule.sorted(by: { $0.count != $1.count ? $0.count > $1.count : $0.rule < $1.rule })
        {
            text += "  \(rule.padding(to: 42))\(count)\n"
        }
        let attackers = eventsByAddress.filter { $0.value.attacks > 0 }
        text += "distinct addresses: \(eventsByAddress.count) (\(attackers.count) with non-informational events)\n"
        if topAddresses > 0 {
            let top = attackers.sorted {
                $0.value.attacks != $1.value.attacks ? $0.value.attacks > $1.value.attacks : $0.key < $1.key
            }
            for (address, entry) in top.prefix(topAddresses) {
                text +=
                    "  \(address.description.padding(to: 40))\(String(entry.attacks).padding(to: 8))\(entry.rules.sorted().joined(separator: ","))\n"
            }
        }
        text += "injection warnings: \(injectionCount)\n"
        for notice in injections { text += "  \(notice.file):\(notice.line): \(notice.reason)\n" }
        if injectionCount > injections.count { text += "  … \(injectionCount - injections.count) more\n" }
        text += "malformed lines: \(malformedCount)\n"
        for notice in malformed { text += "  \(notice.file):\(notice.line): \(notice.reason)\n" }
        if malformedCount > malformed.count { text += "  … \(malformedCount - malformed.count) more\n" }
        return text
    }
}
