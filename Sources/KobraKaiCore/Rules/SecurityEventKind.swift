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
        guard let kind = Self.allCases.first(where: { name.equals($0.rawValue) }) else { return nil }
        self = kind
    }

    /// The catalogue rule reported for this event type.
    public var rule: DetectionRule {
        RuleCatalogue.securityEvents.first { $0.kind == self }!.rule
    }
}

extension TextSpan {
    /// Whether the span's bytes are exactly `text`'s UTF-8.
    func equals(_ text: String) -> Bool {
        var offset = start
        for byte in text.utf8 {
            guard offset < end, bytes[offset] == byte else { return false }
            offset += 1
        }
        return offset == end
    }
}
