#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `kobrakai report --json`: one JSON object (sorted keys, times in milliseconds since the epoch). String
/// values are JSON-escaped by the encoder, control characters included, so attacker text cannot break out.
public enum StateReportJSONRenderer {
    private struct Document: Encodable {
        var windowStartMs: Int64
        var windowEndMs: Int64
        var totalEvents: Int
        var distinctAddresses: Int
        var totalBans: Int
        var eventsDroppedByCap: Int
        var topAddresses: [Entry]
        var topPrefixes: [Entry]
        var topAccounts: [Entry]
        var topRules: [Entry]
        var bansByReason: [Entry]
        var bansByOrigin: [Entry]
        var bucketSeconds: Int64
        var events: [Slot]
    }

    private struct Entry: Encodable {
        var key: String
        var count: Int
        var addresses: Int?
        var lastSeenMs: Int64?
    }

    private struct Slot: Encodable {
        var startMs: Int64
        var events: Int
    }

    public static func render(_ report: StateReport) -> String {
        func entries(_ tallies: [StateReport.Tally]) -> [Entry] {
            tallies.map { Entry(key: $0.key, count: $0.count, addresses: $0.addresses, lastSeenMs: $0.lastSeen?.millisecondsSinceEpoch) }
        }
        let document = Document(
            windowStartMs: report.windowStart.millisecondsSinceEpoch, windowEndMs: report.windowEnd.millisecondsSinceEpoch,
            totalEvents: report.totalEvents, distinctAddresses: report.distinctAddresses, totalBans: report.totalBans,
            eventsDroppedByCap: report.eventsDroppedByCap, topAddresses: entries(report.topAddresses),
            topPrefixes: entries(report.topPrefixes), topAccounts: entries(report.topAccounts), topRules: entries(report.topRules),
            bansByReason: entries(report.bansByReason), bansByOrigin: entries(report.bansByOrigin),
            bucketSeconds: report.bucketWidth.milliseconds / 1000,
            events: report.buckets.map { Slot(startMs: $0.start.millisecondsSinceEpoch, events: $0.events) })
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and integers cannot fail.
        let data = (try? encoder.encode(document)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
