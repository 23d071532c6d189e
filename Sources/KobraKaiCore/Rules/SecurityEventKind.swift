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
        for entry in Self.names where name.count == entry.bytes.count {
            if entry.bytes.withUnsafeBufferPointer({ name.equals(TextSpan($0)) }) {
                self = entry.kind
                return
            }
        }
        return nil
    }

    private static let names: [(bytes: [UInt8], kind: SecurityEventKind)] = allCases.map { (Array($0.rawValue.utf8), $0) }
    private static let rules: [SecurityEventKind: DetectionRule] = Dictionary(
        uniqueKeysWithValues: RuleCatalogue.securityEvents.map { ($0.kind, $0.rule) })

    /// The catalogue rule reported for this event type.
    public var rule: DetectionRule { Self.rules[self]! }
}

extension TextSpan {
    /// Whether two spans hold the same bytes.
    func equals(_ other: TextSpan) -> Bool {
        guard count == other.count else { return false }
        var offset = 0
        while offset < count {
            if bytes[start + offset] != other.bytes[other.start + offset] { return false }
            offset += 1
        }
        return true
    }
}
