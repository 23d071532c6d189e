/// The fields KobraKai needs from one line of Asterisk's `[json]` formatter (14+):
/// `{"hostname":…,"timestamp":…,"identifiers":{…},"logmsg":{"location":{"filename":…,…},"level":…,"message":…}}`.
///
/// A small strict JSON reader, not a general one: it decodes only the strings it needs, skips everything
/// else, limits nesting, and treats a duplicated key in the objects it reads as an injection attempt (the
/// formatter never writes one; an attacker who could would be choosing which copy a lenient reader keeps).
/// The json formatter escapes newlines, so multi-line injection cannot happen in this format.
struct JSONLogRecord {
    var timestamp: [UInt8] = []
    var level: [UInt8] = []
    var filename: [UInt8] = []
    var message: [UInt8] = []

    enum Failure: Error {
        case malformed(String)
        case duplicateKey
    }

    static func parse(_ line: TextSpan) throws(Failure) -> JSONLogRecord {
        var reader = Reader(span: line, offset: line.start)
        var record = JSONLogRecord()
        var seen: Set<[UInt8]> = []
        try reader.object { reader, key throws(Failure) in
            guard seen.insert(key).inserted else { throw .duplicateKey }
            switch key {
            case Array("timestamp".utf8): record.timestamp = try reader.string()
            case Array("logmsg".utf8): try parseLogMessage(&reader, into: &record)
            default: try reader.skipValue(depth: 0)
            }
        }
        reader.skipWhitespace()
        guard reader.offset == line.end else { throw .malformed("trailing text after the JSON record") }
        guard !record.message.isEmpty || !record.level.isEmpty else { throw .malformed("JSON record without logmsg") }
        return record
    }

    private static func parseLogMessage(_ reader: inout Reader, into record: inout JSONLogRecord) throws(Failure) {
        var seen: Set<[UInt8]> = []
        try reader.object { reader, key throws(Failure) in
            guard seen.insert(key).inserted else { throw .duplicateKey }
            switch key {
            case Array("level".utf8): record.level = try reader.string()
            case Array("message".utf8): record.message = try reader.string()
            case Array("location".utf8):
                var seenLocation: Set<[UInt8]> = []
                try reader.object { reader, key throws(Failure) in
                    guard seenLocation.insert(key).inserted else { throw .duplicateKey }
                    if key == Array("filename".utf8) {
                        record.filename = try reader.string()
                    } else {
                        try reader.skipValue(depth: 1)
                    }
                }
            default: try reader.skipValue(depth: 1)
            }
        }
    }

    private struct Reader {
        let span: TextSpan
        var offset: Int

        var current: UInt8 { span.byte(at: offset) }

        mutating func skipWhitespace() {
            while current == 0x20 || current == 0x09 || current == 0x0A || current == 0x0D { offset += 1 }
        }

        mutating func expect(_ byte: UInt8) throws(Failure) {
            skipWhitespace()
            guard current == byte else { throw .malformed("unexpected character in JSON record") }
            offset += 1
        }

        mutating func object(_ member: (inout Reader, [UInt8]) throws(Failure) -> Void) throws(Failure) {
            try expect(UInt8(ascii: "{"))
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                offset += 1
                return
            }
            while true {
                let key = try string()
                try expect(UInt8(ascii: ":"))
                try member(&self, key)
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    offset += 1
                    continue
                }
                try expect(UInt8(ascii: "}"))
                return
            }
        }

        mutating func string() throws(Failure) -> [UInt8] {
            try expect(UInt8(ascii: "\""))
            var result: [UInt8] = []
            while offset < span.end {
                let byte = span.byte(at: offset)
                offset += 1
                if byte == UInt8(ascii: "\"") { return result }
                if byte < 0x20 { throw .malformed("control character in JSON string") }
                guard byte == UInt8(ascii: "\\") else {
                    result.append(byte)
                    continue
                }
                let escape = span.byte(at: offset)
                offset += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): result.append(escape)
                case UInt8(ascii: "b"): result.append(0x08)
                case UInt8(ascii: "f"): result.append(0x0C)
                case UInt8(ascii: "n"): result.append(0x0A)
                case UInt8(ascii: "r"): result.append(0x0D)
                case UInt8(ascii: "t"): result.append(0x09)
                case UInt8(ascii: "u"): try appendUnicodeEscape(to: &result)
                default: throw .malformed("invalid escape in JSON string")
                }
            }
            throw .malformed("unterminated JSON string")
        }

        private mutating func hexQuad() throws(Failure) -> UInt32 {
            guard let value = span.slice(from: offset, to: offset + 4).hexValue, offset + 4 <= span.end else {
                throw .malformed("invalid \\u escape in JSON string")
            }
            offset += 4
            return value
        }

        private mutating func appendUnicodeEscape(to result: inout [UInt8]) throws(Failure) {
            var scalarValue = try hexQuad()
            if (0xD800...0xDBFF).contains(scalarValue), span.matches("\\u", at: offset) {
                offset += 2
                let low = try hexQuad()
                guard (0xDC00...0xDFFF).contains(low) else { throw .malformed("invalid surrogate pair in JSON string") }
                scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
            }
            let scalar = Unicode.Scalar(scalarValue) ?? "\u{FFFD}"
            result.append(contentsOf: Array(String(Character(scalar)).utf8))
        }

        mutating func skipValue(depth: Int) throws(Failure) {
            guard depth < 16 else { throw .malformed("JSON record nested too deeply") }
            skipWhitespace()
            switch current {
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "{"):
                try object { reader, _ throws(Failure) in try reader.skipValue(depth: depth + 1) }
            case UInt8(ascii: "["):
                offset += 1
                skipWhitespace()
                if current == UInt8(ascii: "]") {
                    offset += 1
                    return
                }
                while true {
                    try skipValue(depth: depth + 1)
                    skipWhitespace()
                    if current == UInt8(ascii: ",") {
                        offset += 1
                        continue
                    }
                    try expect(UInt8(ascii: "]"))
                    return
                }
            default:
                let start = offset
                while current.isIdentifierByte || current == UInt8(ascii: "-") || current == UInt8(ascii: "+")
                    || current == UInt8(ascii: ".")
                {
                    offset += 1
                }
                guard offset > start else { throw .malformed("unexpected character in JSON record") }
            }
        }
    }
}
