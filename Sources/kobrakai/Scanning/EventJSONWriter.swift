import KobraKaiAddress
import KobraKaiCore

/// Writes `kobrakai scan --json` lines straight into a byte buffer.
///
/// One object per event: `file`, `line`, `time` (UTC ISO 8601 or null), `ip`, `rule`, `severity`, `service`,
/// `account` (or null). Account names are attacker text and are always escaped; a 1M-line log can hold
/// hundreds of thousands of events, so nothing here builds intermediate strings on the common path.
struct EventJSONWriter {
    private let filePrefix: [UInt8]

    init(file: String) {
        filePrefix = Array(("{\"file\":" + JSONText.quoted(file) + ",\"line\":").utf8)
    }

    func append(_ event: SecurityEvent, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: filePrefix)
        appendDecimal(event.line ?? 0, to: &buffer)
        appendLiteral(",\"time\":", to: &buffer)
        if let time = event.time {
            buffer.append(UInt8(ascii: "\""))
            time.appendISO8601(to: &buffer)
            buffer.append(UInt8(ascii: "\""))
        } else {
            appendLiteral("null", to: &buffer)
        }
        appendLiteral(",\"ip\":\"", to: &buffer)
        switch event.address {
        case .v4(let address):
            let raw = address.rawValue
            for shift in [24, 16, 8, 0] as [UInt32] {
                appendDecimal(Int((raw >> shift) & 0xFF), to: &buffer)
                if shift != 0 { buffer.append(UInt8(ascii: ".")) }
            }
        case .v6:
            buffer.append(contentsOf: event.address.description.utf8)
        }
        appendLiteral("\",\"rule\":\"", to: &buffer)
        appendUTF8(event.rule, to: &buffer)
        appendLiteral("\",\"severity\":\"", to: &buffer)
        appendUTF8(event.severity.rawValue, to: &buffer)
        appendLiteral("\",\"service\":\"", to: &buffer)
        appendUTF8(event.service.rawValue, to: &buffer)
        appendLiteral("\",\"account\":", to: &buffer)
        if let account = event.account {
            if account.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 != 0x7F && $0 < 0x80 }) {
                buffer.append(UInt8(ascii: "\""))
                appendUTF8(account, to: &buffer)
                buffer.append(UInt8(ascii: "\""))
            } else {
                buffer.append(contentsOf: JSONText.quoted(account).utf8)
            }
        } else {
            appendLiteral("null", to: &buffer)
        }
        appendLiteral("}\n", to: &buffer)
    }

    /// Appends a literal's bytes straight from the binary: no array, no reference counting.
    private func appendLiteral(_ literal: StaticString, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Appends a native string's bytes in one copy.
    private func appendUTF8(_ text: String, to buffer: inout [UInt8]) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { buffer.append(contentsOf: $0) }
        if copied == nil { buffer.append(contentsOf: Array(text.utf8)) }
    }

    private func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        if value < 10 {
            buffer.append(UInt8(0x30 + max(0, value)))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var remaining = value
        withUnsafeMutableBytes(of: &digits) { raw in
            while remaining > 0 && count < 20 {
                raw[count] = UInt8(0x30 + remaining % 10)
                remaining /= 10
                count += 1
            }
            while count > 0 {
                count -= 1
                buffer.append(raw[count])
            }
        }
    }
}
