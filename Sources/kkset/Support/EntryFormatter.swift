import Foundation
import KobraKaiFirewall
import KobraKaiNetfilter

/// Renders set entries for people (an aligned table) and for scripts (one JSON array).
enum EntryFormatter {
    static func table(_ entries: [BanEntry]) -> String {
        let rows = entries.map { entry in
            [entry.target.description, entry.timeout.map(DurationText.format) ?? "-",
             entry.expiresIn.map { DurationText.format(.seconds($0.milliseconds / 1000)) } ?? "-", entry.comment ?? ""]
        }
        return aligned(header: ["ADDRESS", "TIMEOUT", "EXPIRES", "COMMENT"], rows: rows)
    }

    static func table(_ entries: [AllowEntry]) -> String {
        aligned(header: ["ADDRESS", "COMMENT"], rows: entries.map { [$0.target.description, $0.comment ?? ""] })
    }

    /// `[{"address": "...", "timeout": 3600, "expires": 3599.5, "comment": null}, ...]`; seconds as numbers.
    static func json(_ entries: [BanEntry]) throws -> String {
        try serialize(entries.map { entry in
            ["address": entry.target.description, "timeout": seconds(entry.timeout),
             "expires": seconds(entry.expiresIn), "comment": entry.comment ?? NSNull()] as [String: Any]
        })
    }

    static func json(_ entries: [AllowEntry]) throws -> String {
        try serialize(entries.map { ["address": $0.target.description, "comment": $0.comment ?? NSNull()] })
    }

    private static func serialize(_ objects: [[String: Any]]) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    private static func seconds(_ duration: Duration?) -> Any {
        guard let duration else { return NSNull() }
        let milliseconds = duration.milliseconds
        return milliseconds % 1000 == 0 ? NSNumber(value: milliseconds / 1000) : NSNumber(value: Double(milliseconds) / 1000)
    }

    private static func aligned(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, text in
                column == row.count - 1 ? text : text.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
