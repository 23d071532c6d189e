/// Turns log lines into events using the operator's patterns (Kamailio `xlog` lines, a SBC's own log),
/// trying the patterns in configuration order; the first one that matches unambiguously wins.
public struct CustomRuleMatcher: Hashable, Sendable {
    public let patterns: [CustomPattern]

    public init(patterns: [CustomPattern]) {
        self.patterns = patterns
    }

    public var isEmpty: Bool { patterns.isEmpty }

    /// The event for `line`, or `nil` when no pattern matches (or every match was ambiguous).
    public func event(
        forLine line: Substring, time: Timestamp?, origin: EventOrigin = .logFile, lineNumber: Int? = nil
    ) -> SecurityEvent? {
        for pattern in patterns {
            guard let address = pattern.match(line: line) else { continue }
            return SecurityEvent(
                time: time, address: address, origin: origin, service: .custom, rule: pattern.ruleID,
                severity: pattern.severity, line: lineNumber)
        }
        return nil
    }
}
