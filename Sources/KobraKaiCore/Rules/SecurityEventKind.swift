/// The Asterisk security event types (`include/asterisk/security_events_defs.h`), shared by the
/// `SecurityEvent=` log lines of res_security_log and the AMI `Event:` messages.
public enum SecurityEventKind: String, CaseIterable, Sendable {
    case failedACL = "FailedACL"
    case invalidAccountID = "InvalidAccountID"
    case sessionLimit = "SessionLimit"
    case memoryLimit = "MemoryLimit"
    case loadAverageLimit = "LoadAverageLimit"
    case requestNotSupported = "RequestNotSupported"
    case requestNotAllowed = "RequestNotAllowed"
    case authMethodNotAllowed = "AuthMethodNotAllowed"
    case requestBadFormat = "RequestBadFormat"
    case successfulAuth = "SuccessfulAuth"
    case unexpectedAddress = "UnexpectedAddress"
    case challengeResponseFailed = "ChallengeResponseFailed"
    case invalidPassword = "InvalidPassword"
    case challengeSent = "ChallengeSent"
    case invalidTransport = "InvalidTransport"

    /// Finds the kind whose name is exactly `name`.
    init?(name: TextSpan) {
        for entry in Self.names where name.equals(entry.name) {
            self = entry.kind
            return
        }
        return nil
    }

    /// The names as static strings: compared without building or retaining anything on the hot path.
    private static let names: [(name: StaticString, kind: SecurityEventKind)] = [
        ("FailedACL", .failedACL), ("InvalidAccountID", .invalidAccountID), ("SessionLimit", .sessionLimit),
        ("MemoryLimit", .memoryLimit), ("LoadAverageLimit", .loadAverageLimit),
        ("RequestNotSupported", .requestNotSupported), ("RequestNotAllowed", .requestNotAllowed),
        ("AuthMethodNotAllowed", .authMethodNotAllowed), ("RequestBadFormat", .requestBadFormat),
        ("SuccessfulAuth", .successfulAuth), ("UnexpectedAddress", .unexpectedAddress),
        ("ChallengeResponseFailed", .challengeResponseFailed), ("InvalidPassword", .invalidPassword),
        ("ChallengeSent", .challengeSent), ("InvalidTransport", .invalidTransport),
    ]
    private static let rules: [SecurityEventKind: DetectionRule] = Dictionary(
        uniqueKeysWithValues: RuleCatalogue.securityEvents.map { ($0.kind, $0.rule) })

    /// The catalogue rule reported for this event type.
    public var rule: DetectionRule { Self.rules[self]! }
}
