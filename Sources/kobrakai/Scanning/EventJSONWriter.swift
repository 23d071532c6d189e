import KobraKaiAddress
import KobraKaiCore

/// Writes `kobrakai scan --json` lines straight into the output block.
///
/// One object per event: `file`, `line`, `time` (UTC ISO 8601 or null), `ip`, `rule`, `severity`, `service`,
/// `account` (or null). Account names are attacker text and are always escaped. A 1M-line log can hold
/// hundreds of thousands of events, so the common path writes bytes through a pointer and builds no strings.
struct EventJSONWriter {
    private let filePrefix: [UInt8]

    init(file: String) {
        filePrefix = Array(("{\"file\":" + JSONText.quoted(file) + ",\"line\":").utf8)
    }

    /// Room for everything but the file name (written separately). The bound, field by field: line ≤ 19
    /// digits, fixed keys 64, quoted time 26, ip ≤ 64, rule ≤ 64, severity ≤ 13, service ≤ 10 (the `ascii`
    /// writer caps each string at 64 bytes), a plain account ≤ 64 with its quotes and `}\n` 4: 328 bytes,
    /// checked after every object. A longer or escaped account goes through `OutputBuffer.append`.
    private static let fixedRoom = 512

    func append(_ event: SecurityEvent, to output: inout OutputBuffer) {
        filePrefix.withUnsafeBufferPointer { output.append($0) }
        var cursor = Cursor(output.reserve(Self.fixedRoom))
        cursor.decimal(event.line ?? 0)
        cursor.literal(",\"time\":")
        if let time = event.time {
            let fields = time.utcComponents
            cursor.byte(UInt8(ascii: "\""))
            cursor.digits(fields.year, width: 4)
            cursor.byte(UInt8(ascii: "-"))
            cursor.digits(fields.month, width: 2)
            cursor.byte(UInt8(ascii: "-"))
            cursor.digits(fields.day, width: 2)
            cursor.byte(UInt8(ascii: "T"))
            cursor.digits(fields.hour, width: 2)
            cursor.byte(UInt8(ascii: ":"))
            cursor.digits(fields.minute, width: 2)
            cursor.byte(UInt8(ascii: ":"))
            cursor.digits(fields.second, width: 2)
            cursor.byte(UInt8(ascii: "."))
            cursor.digits(fields.millisecond, width: 3)
            cursor.literal("Z\"")
        } else {
            cursor.literal("null")
        }
        cursor.literal(",\"ip\":\"")
        switch event.address {
        case .v4(let address):
            let raw = address.rawValue
            cursor.decimal(Int(raw >> 24))
            cursor.byte(UInt8(ascii: "."))
            cursor.decimal(Int(raw >> 16 & 0xFF))
            cursor.byte(UInt8(ascii: "."))
            cursor.decimal(Int(raw >> 8 & 0xFF))
            cursor.byte(UInt8(ascii: "."))
            cursor.decimal(Int(raw & 0xFF))
        case .v6:
            cursor.ascii(event.address.description)
        }
        cursor.literal("\",\"rule\":\"")
        cursor.ascii(event.rule)
        cursor.literal("\",\"severity\":\"")
        cursor.ascii(event.severity.rawValue)
        cursor.literal("\",\"service\":\"")
        cursor.ascii(event.service.rawValue)
        cursor.literal("\",\"account\":")
        guard let account = event.account else {
            cursor.literal("null}\n")
            precondition(cursor.written <= Self.fixedRoom, "JSON event overran its reserved room")
            output.commit(cursor.written)
            return
        }
        let plain = account.utf8.withContiguousStorageIfAvailable {
            $0.count <= 64 && $0.allSatisfy(Self.needsNoEscape)
        }
        if plain == true {
            cursor.byte(UInt8(ascii: "\""))
            cursor.ascii(account)
            cursor.literal("\"}\n")
            precondition(cursor.written <= Self.fixedRoom, "JSON event overran its reserved room")
            output.commit(cursor.written)
            return
        }
        precondition(cursor.written <= Self.fixedRoom, "JSON event overran its reserved room")
        output.commit(cursor.written)
        output.append(JSONText.quoted(account) + "}\n")
    }

    /// Printable ASCII other than `"` and `\\` is copied as is; anything else goes through `JSONText`.
    @inline(__always)
    private static func needsNoEscape(_ byte: UInt8) -> Bool {
        byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
    }

    /// Writes into memory already reserved; every caller stays within `fixedRoom`.
    private struct Cursor {
        let start: UnsafeMutablePointer<UInt8>
        var written = 0

        init(_ start: UnsafeMutablePointer<UInt8>) { self.start = start }

        @inline(__always)
        mutating func byte(_ value: UInt8) {
            start[written] = value
            written += 1
        }

        @inline(__always)
        mutating func literal(_ text: StaticString) {
            (start + written).update(from: text.utf8Start, count: text.utf8CodeUnitCount)
            written += text.utf8CodeUnitCount
        }

        /// Short server-side ASCII (rule ids, enum names, addresses): bounded by the catalogue.
        @inline(__always)
        mutating func ascii(_ text: String) {
            let copied: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
                let count = min(bytes.count, 64)
                if let base = bytes.baseAddress { (start + written).update(from: base, count: count) }
                written += count
            }
            if copied == nil { for unit in text.utf8.prefix(64) { byte(unit) } }
        }

        /// Exactly `width` digits (2, 3 or 4), zero-padded. Division by constants compiles to multiplies.
        @inline(__always)
        mutating func digits(_ value: Int, width: Int) {
            let clamped = max(0, value)
            if width >= 4 { byte(UInt8(truncatingIfNeeded: 0x30 + clamped / 1000 % 10)) }
            if width >= 3 { byte(UInt8(truncatingIfNeeded: 0x30 + clamped / 100 % 10)) }
            byte(UInt8(truncatingIfNeeded: 0x30 + clamped / 10 % 10))
            byte(UInt8(truncatingIfNeeded: 0x30 + clamped % 10))
        }

        /// A non-negative decimal number without padding.
        @inline(__always)
        mutating func decimal(_ value: Int) {
            var remaining = max(0, value)
            var count = 0
            repeat {
                remaining /= 10
                count += 1
            } while remaining > 0
            remaining = max(0, value)
            var index = written + count - 1
            repeat {
                start[index] = UInt8(truncatingIfNeeded: 0x30 + remaining % 10)
                remaining /= 10
                index -= 1
            } while remaining > 0
            written += count
        }
    }
}
