#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KobraKaiDaemon
import KobraKaiFirewall

extension ControlValue {
    var int: Int64? { if case .integer(let value) = self { value } else { nil } }
    var string: String? { if case .string(let value) = self { value } else { nil } }
    var array: [ControlValue] { if case .array(let value) = self { value } else { [] } }
    var isNull: Bool { self == .null }

    /// Pretty JSON (sorted keys) for `--json`.
    var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    /// Milliseconds as `1h2m`, the way the configuration writes durations.
    static func durationText(milliseconds: Int64?) -> String {
        guard let milliseconds else { return "permanent" }
        return DurationText.format(.milliseconds(max(0, milliseconds / 1000 * 1000)))
    }
}
