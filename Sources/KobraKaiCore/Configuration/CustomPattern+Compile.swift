extension CustomPattern {
    static let hostPlaceholder = Array("<HOST>".utf8)
    static let maximumPatternBytes = 1024
    /// Fewer literal characters than this could match nearly every line that carries an address.
    static let minimumLiteralBytes = 4

    private enum Token {
        case literal(UInt8)
        case wildcard
        case host
    }

    /// Splits a pattern into the literal segments before and after `<HOST>`. An unanchored side gets an
    /// implicit wildcard: `before` then starts, and `after` ends, with an empty segment.
    static func compile(_ pattern: String) throws(CustomPatternError) -> (before: [[UInt8]], after: [[UInt8]]) {
        let bytes = Array(pattern.utf8)
        guard !bytes.isEmpty else { throw CustomPatternError(pattern: pattern, reason: "is empty") }
        guard bytes.count <= maximumPatternBytes else {
            throw CustomPatternError(pattern: pattern, reason: "is longer than \(maximumPatternBytes) bytes")
        }
        var tokens: [Token] = []
        var anchoredStart = false
        var anchoredEnd = false
        var index = 0
        if bytes[0] == UInt8(ascii: "^") {
            anchoredStart = true
            index = 1
        }
        var end = bytes.count
        if end > index, bytes[end - 1] == UInt8(ascii: "$"), !isEscaped(bytes, at: end - 1) {
            anchoredEnd = true
            end -= 1
        }
        var literalCount = 0
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                guard index + 1 < end else {
                    throw CustomPatternError(pattern: pattern, reason: "ends with a lone '\\' (write '\\\\' for a backslash)")
                }
                tokens.append(.literal(bytes[index + 1]))
                literalCount += 1
                index += 2
            } else if byte == UInt8(ascii: "*") {
                if case .wildcard = tokens.last {} else { tokens.append(.wildcard) }
                index += 1
            } else if bytes[index...].starts(with: hostPlaceholder) {
                tokens.append(.host)
                index += hostPlaceholder.count
            } else {
                tokens.append(.literal(byte))
                if byte != UInt8(ascii: " ") { literalCount += 1 }
                index += 1
            }
        }
        let hosts = tokens.filter { if case .host = $0 { true } else { false } }.count
        guard hosts == 1 else {
            throw CustomPatternError(
                pattern: pattern,
                reason: hosts == 0
                    ? "has no <HOST> placeholder; mark where the attacker's address is, e.g. \"Blocking traffic from <HOST>\""
                    : "has \(hosts) <HOST> placeholders; exactly one is allowed")
        }
        guard literalCount >= minimumLiteralBytes else {
            throw CustomPatternError(
                pattern: pattern,
                reason: "needs at least \(minimumLiteralBytes) literal characters around <HOST> so it cannot match every line")
        }
        let hostIndex = tokens.firstIndex { if case .host = $0 { true } else { false } }!
        var before: [[UInt8]] = anchoredStart ? [[]] : [[], []]
        for token in tokens[..<hostIndex] { append(token, to: &before) }
        var after: [[UInt8]] = [[]]
        for token in tokens[(hostIndex + 1)...] { append(token, to: &after) }
        if !anchoredEnd, !(after.count > 1 && after[after.count - 1].isEmpty) { after.append([]) }
        return (before, after)
    }

    private static func append(_ token: Token, to segments: inout [[UInt8]]) {
        switch token {
        case .literal(let byte): segments[segments.count - 1].append(byte)
        case .wildcard:
            if !(segments.count > 1 && segments[segments.count - 1].isEmpty) { segments.append([]) }
        case .host: break
        }
    }

    /// True when the byte at `position` is preceded by an odd number of backslashes.
    private static func isEscaped(_ bytes: [UInt8], at position: Int) -> Bool {
        var count = 0
        var index = position - 1
        while index >= 0 && bytes[index] == UInt8(ascii: "\\") {
            count += 1
            index -= 1
        }
        return count % 2 == 1
    }

    /// Translates a KobraKai v2.3 `attack_patterns` regex (`.*` wildcards and `\` escapes only) into this
    /// syntax; `nil` when it uses other regex features whose meaning would change.
    static func translateLegacyRegex(_ regex: String) -> String? {
        let bytes = Array(regex.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\\"):
                guard index + 1 < bytes.count else { return nil }
                let next = bytes[index + 1]
                // \d, \s, \w and friends are classes, not escaped literals.
                if (next >= UInt8(ascii: "a") && next <= UInt8(ascii: "z")) || (next >= UInt8(ascii: "A") && next <= UInt8(ascii: "Z")) {
                    return nil
                }
                if next == UInt8(ascii: "*") || next == UInt8(ascii: "\\") { output.append(UInt8(ascii: "\\")) }
                output.append(next)
                index += 2
            case UInt8(ascii: "."):
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*") || bytes[index + 1] == UInt8(ascii: "+") {
                    output.append(UInt8(ascii: "*"))
                    index += 2
                } else {
                    return nil  // a lone '.' means "any character"; a literal translation would differ
                }
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "("), UInt8(ascii: ")"),
                 UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "|"),
                 UInt8(ascii: "^"), UInt8(ascii: "$"):
                return nil
            default:
                output.append(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
