import KobraKaiAddress

/// An operator-supplied line pattern with one `<HOST>` placeholder, compiled once.
///
/// Syntax (deliberately not a regex, so matching is linear and cannot backtrack catastrophically):
/// - literal text matches itself, byte for byte (case-sensitive);
/// - `*` matches any run of characters, including none;
/// - `<HOST>` captures one IPv4 or IPv6 address, validated by the strict address parser;
/// - `\` makes the next character literal (`\*`, `\\`, `\^`, `\$`);
/// - a leading `^` anchors the pattern at the start of the line and a trailing `$` at its end;
///   without them the pattern may match anywhere in the line.
///
/// Where the text around `<HOST>` is a wildcard, the address must stand alone: not preceded by a letter,
/// digit, `.`, `%` or `:`, and not followed by a letter, digit, `.`, `%` or a `:` that does not start a
/// port number. If the line could yield two different
/// addresses for the placeholder, `match` returns `nil`: attacker text placed in the line is the
/// likeliest cause, and guessing would let an attacker choose whom to ban.
public struct CustomPattern: Hashable, Sendable {
    public let name: String
    /// The pattern as written.
    public let source: String
    public let severity: Severity

    /// Literal segments before `<HOST>`, separated by wildcards (`a*b` is ["a", "b"]).
    private let before: [[UInt8]]
    /// Literal segments after `<HOST>`.
    private let after: [[UInt8]]

    /// Longest text an address can take (IPv6 with an embedded dotted quad).
    private static let maximumAddressLength = 45

    /// - Throws: `CustomPatternError` when the pattern has no `<HOST>`, more than one, or is unusable.
    public init(name: String, pattern: String, severity: Severity) throws(CustomPatternError) {
        self.name = name
        source = pattern
        self.severity = severity
        (before, after) = try Self.compile(pattern)
    }

    /// The rule id events from this pattern carry.
    public var ruleID: String { "custom:\(name)" }

    /// The address `<HOST>` captures in `line`, or `nil` when the pattern does not match or matches
    /// ambiguously (two different addresses).
    public func match(line: Substring) -> IPAddress? {
        var line = line
        guard case .address(let address) = line.withUTF8({ text in read(text) }) else { return nil }
        return address
    }

    /// What the pattern reads in `text` (a line without its terminator): `nil` when it does not match.
    /// An ambiguous reading is reported as such, so the caller can count it as a suspected injection.
    public func read(_ text: UnsafeBufferPointer<UInt8>) -> CustomPatternReading? {
        let n = text.count
        // Where the part after <HOST> can still complete, computed once from the right.
        let firstAfter = after[0]
        let restLimit: Int
        if after.count == 1 {
            restLimit = n  // anchored end without wildcard: checked exactly per candidate
        } else {
            guard let limit = Self.latestStart(of: after.dropFirst(), in: text) else { return nil }
            restLimit = limit
        }
        var found: IPAddress?
        var ambiguous = false
        func consider(start: Int, boundaryBefore: Bool) {
            if boundaryBefore, start > 0, Self.isAddressNeighbour(text[start - 1], allowColon: false) { return }
            var end = start
            let limit = min(n, start + Self.maximumAddressLength)
            while end < limit, Self.isAddressCharacter(text[end]) {
                end += 1
                // Cheap checks first: the text after the candidate must fit the pattern.
                if after.count == 1 {
                    guard n - end == firstAfter.count, Self.hasLiteral(firstAfter, in: text, at: end) else { continue }
                } else {
                    guard end + firstAfter.count <= restLimit, Self.hasLiteral(firstAfter, in: text, at: end) else { continue }
                    if firstAfter.isEmpty, end < n, !Self.standsAlone(text, end: end) { continue }
                }
                guard let address = try? IPAddress(parsing: String(decoding: UnsafeBufferPointer(rebasing: text[start..<end]), as: UTF8.self)) else {
                    continue
                }
                if let previous = found, previous != address { ambiguous = true; return }
                found = address
            }
        }
        // Enumerate where <HOST> can start.
        if before.count == 1 {
            guard Self.hasLiteral(before[0], in: text, at: 0) else { return nil }
            consider(start: before[0].count, boundaryBefore: before[0].isEmpty)
        } else {
            guard Self.hasLiteral(before[0], in: text, at: 0) else { return nil }
            var position = before[0].count
            for segment in before.dropFirst().dropLast() where !segment.isEmpty {
                guard let found = Self.find(segment, in: text, from: position) else { return nil }
                position = found + segment.count
            }
            let last = before[before.count - 1]
            if last.isEmpty {
                var start = position
                while start < n && !ambiguous {
                    if Self.isAddressCharacter(text[start]) { consider(start: start, boundaryBefore: true) }
                    start += 1
                }
            } else {
                var from = position
                while !ambiguous, let occurrence = Self.find(last, in: text, from: from) {
                    consider(start: occurrence + last.count, boundaryBefore: false)
                    from = occurrence + 1
                }
            }
        }
        if ambiguous { return .ambiguous }
        return found.map { .address($0) }
    }

    /// The largest position from which `* s1 * s2 ... * sm` (the segments given) can match up to the end
    /// of `text`; `nil` when it cannot match at all. The last segment must end the line unless it is empty.
    private static func latestStart(of segments: ArraySlice<[UInt8]>, in text: UnsafeBufferPointer<UInt8>) -> Int? {
        var end = text.count
        let last = segments[segments.endIndex - 1]
        if !last.isEmpty {
            guard last.count <= end, hasLiteral(last, in: text, at: end - last.count) else { return nil }
            end -= last.count
        }
        for segment in segments.dropLast().reversed() where !segment.isEmpty {
            guard let found = findLast(segment, in: text, endingBy: end) else { return nil }
            end = found
        }
        return end
    }

    private static func isAddressCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"),
             UInt8(ascii: "."), UInt8(ascii: ":"):
            true
        default:
            false
        }
    }

    /// True when the text at `end` can follow a complete address: not a letter, digit, '.', or '%'
    /// (a zone index); a ':' only when it introduces a port (1 to 5 digits, then no address character),
    /// and never after an address text ending in ':' ("2001:db8:::1" is not "2001:db8::" plus junk).
    private static func standsAlone(_ text: UnsafeBufferPointer<UInt8>, end: Int) -> Bool {
        let byte = text[end]
        guard byte == UInt8(ascii: ":") else { return !isAddressNeighbour(byte, allowColon: false) }
        guard text[end - 1] != UInt8(ascii: ":") else { return false }
        var index = end + 1
        while index < text.count, index - end <= 6, text[index] >= UInt8(ascii: "0"), text[index] <= UInt8(ascii: "9") { index += 1 }
        let digits = index - end - 1
        guard (1...5).contains(digits) else { return false }
        return index == text.count || !(isAddressCharacter(text[index]) || isAddressNeighbour(text[index], allowColon: false))
    }

    /// A byte that must not touch an address standing alone: letters, digits, '.', and ':' unless allowed
    /// (a ':' after an address usually introduces a port).
    private static func isAddressNeighbour(_ byte: UInt8, allowColon: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "."), UInt8(ascii: "%"):
            true
        case UInt8(ascii: ":"):
            !allowColon
        default:
            false
        }
    }

    private static func hasLiteral(_ literal: [UInt8], in text: UnsafeBufferPointer<UInt8>, at position: Int) -> Bool {
        guard position >= 0, position + literal.count <= text.count else { return false }
        for (offset, byte) in literal.enumerated() where text[position + offset] != byte { return false }
        return true
    }

    private static func find(_ needle: [UInt8], in text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let first = needle.first, start + needle.count <= text.count else { return needle.isEmpty ? start : nil }
        var position = start
        while position + needle.count <= text.count {
            if text[position] == first && hasLiteral(needle, in: text, at: position) { return position }
            position += 1
        }
        return nil
    }

    private static func findLast(_ needle: [UInt8], in text: UnsafeBufferPointer<UInt8>, endingBy end: Int) -> Int? {
        var position = end - needle.count
        while position >= 0 {
            if hasLiteral(needle, in: text, at: position) { return position }
            position -= 1
        }
        return nil
    }
}
