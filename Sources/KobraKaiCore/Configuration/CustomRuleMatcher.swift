/// Turns log lines into events using the operator's patterns (Kamailio `xlog` lines, a SBC's own log).
///
/// Patterns are tried in configuration order and the first one whose text fits the line decides: an
/// unambiguous address gives an event (service `custom`, rule `custom:<name>`, the pattern's severity);
/// two possible addresses give a suspected injection and no event. Later patterns are not tried after an
/// ambiguous reading: a second pattern must not be able to rescue a line an attacker shaped.
public struct CustomRuleMatcher: Hashable, Sendable {
    public let patterns: [CustomPattern]

    public init(patterns: [CustomPattern]) {
        self.patterns = patterns
    }

    public var isEmpty: Bool { patterns.isEmpty }

    /// The event for `line`, or `nil` when no pattern matches (or the deciding match was ambiguous).
    public func event(
        forLine line: Substring, time: Timestamp?, origin: EventOrigin = .logFile, lineNumber: Int? = nil
    ) -> SecurityEvent? {
        var line = line
        let parsed = line.withUTF8 { self.result(forLine: $0, time: time, origin: origin, lineNumber: lineNumber) }
        guard case .event(let event) = parsed else { return nil }
        return event
    }

    /// The parse result for `line` (UTF-8 without its terminator): `.event`, `.injectionSuspected` for an
    /// ambiguous reading, or `.noMatch`.
    public func result(
        forLine line: UnsafeBufferPointer<UInt8>, time: Timestamp?, origin: EventOrigin = .logFile,
        lineNumber: Int? = nil
    ) -> LineParseResult {
        for pattern in patterns {
            switch pattern.read(line) {
            case nil:
                continue
            case .ambiguous?:
                return .injectionSuspected("pattern \(pattern.ruleID) reads two different addresses in the line")
            case .address(let address)?:
                return .event(
                    SecurityEvent(
                        time: time, address: address, origin: origin, service: .custom, rule: pattern.ruleID,
                        severity: pattern.severity, line: lineNumber))
            }
        }
        return .noMatch
    }
}
