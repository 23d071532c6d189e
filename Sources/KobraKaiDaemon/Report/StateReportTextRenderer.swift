import KobraKaiFirewall

/// `kobrakai report` for people: aligned tables and an events-over-time chart of `#` bars, readable in a
/// terminal, a pipe, a mail or the journal. Bold headings only when `emphasis` (a terminal without
/// NO_COLOR). Every string that came from an attacker goes through `TerminalText`.
public struct StateReportTextRenderer: Sendable {
    public var emphasis: Bool
    /// Widest bar of the chart, in characters.
    public var chartWidth = 50

    public init(emphasis: Bool = false) { self.emphasis = emphasis }

    public func render(_ report: StateReport) -> String {
        var out: [String] = []
        let span = DurationText.format(report.windowEnd.since(report.windowStart))
        out.append(heading("KobraKai report: \(UTCTime.format(report.windowStart)) to \(UTCTime.format(report.windowEnd)) UTC (\(span))"))
        out.append("\(report.totalEvents) event(s) from \(report.distinctAddresses) address(es); \(report.totalBans) ban(s)")
        if report.eventsDroppedByCap > 0 {
            out.append("note: \(report.eventsDroppedByCap) older event(s) were dropped by history.max_events; counts may be partial")
        }
        section(&out, "Top attacking addresses", header: ["EVENTS", "LAST SEEN (UTC)", "ADDRESS"], rows: report.topAddresses.map {
            [String($0.count), $0.lastSeen.map { UTCTime.format($0) } ?? "-", $0.key]
        })
        section(&out, "Top attacking prefixes (/24, /64)", header: ["EVENTS", "ADDRS", "PREFIX"], rows: report.topPrefixes.map {
            [String($0.count), String($0.addresses ?? 0), $0.key]
        })
        section(&out, "Most targeted accounts", header: ["ATTEMPTS", "ADDRS", "ACCOUNT"], rows: report.topAccounts.map {
            [String($0.count), String($0.addresses ?? 0), TerminalText.sanitised($0.key)]
        })
        section(&out, "Top rules", header: ["EVENTS", "RULE"], rows: report.topRules.map { [String($0.count), TerminalText.sanitised($0.key, limit: 60)] })
        section(&out, "Bans by reason", header: ["BANS", "REASON"], rows: report.bansByReason.map {
            [String($0.count), TerminalText.sanitised($0.key, limit: 70)]
        })
        section(&out, "Bans by origin", header: ["BANS", "ORIGIN"], rows: report.bansByOrigin.map { [String($0.count), TerminalText.sanitised($0.key)] })
        out.append("")
        out.append(heading(report.bucketWidth >= .seconds(86_400) ? "Events per day (UTC)" : "Events per hour (UTC)"))
        out += chart(report)
        return out.joined(separator: "\n") + "\n"
    }

    private func heading(_ text: String) -> String { emphasis ? "\u{1B}[1m\(text)\u{1B}[0m" : text }

    /// A titled table; numbers right-aligned, the last column (free text) left as is.
    private func section(_ out: inout [String], _ title: String, header: [String], rows: [[String]]) {
        out.append("")
        out.append(heading(title))
        guard !rows.isEmpty else {
            out.append("  (none)")
            return
        }
        let table = [header] + rows
        let widths = (0..<header.count - 1).map { column in table.map { $0[column].count }.max() ?? 0 }
        for row in table {
            var line = "  "
            for (column, width) in widths.enumerated() {
                line += String(repeating: " ", count: width - row[column].count) + row[column] + "  "
            }
            out.append(line + row[header.count - 1])
        }
    }

    private func chart(_ report: StateReport) -> [String] {
        let daily = report.bucketWidth >= .seconds(86_400)
        let largest = report.buckets.map(\.events).max() ?? 0
        let countWidth = String(largest).count
        return report.buckets.map { bucket in
            let label = daily ? UTCTime.format(bucket.start, dateOnly: true) : String(UTCTime.format(bucket.start).dropFirst(5))
            // Any non-zero slot gets at least one mark: a quiet hour with three probes is not silence.
            let length = largest == 0 ? 0 : max(bucket.events > 0 ? 1 : 0, bucket.events * chartWidth / largest)
            let count = String(bucket.events)
            let bar = length == 0 ? "" : " " + String(repeating: "#", count: length)
            return "  \(label) \(String(repeating: " ", count: countWidth - count.count))\(count)\(bar)"
        }
    }
}
