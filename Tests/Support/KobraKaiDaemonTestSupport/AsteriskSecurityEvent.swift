/// An AMI security event exactly as Asterisk's manager writes it (`main/security_events.c`): the event
/// header, then each field as `Key: Value\r\n` in Asterisk's order, then the blank line.
public struct AsteriskSecurityEvent: Sendable {
    public var name: String
    public var severity = "Error"
    public var service = "PJSIP"
    public var eventVersion = "1"
    public var eventTV = "2024-05-01T10:11:12.345+0000"
    public var accountID: String
    public var sessionID = "1480223017"
    public var localAddress = "IPV4/UDP/192.0.2.1/5060"
    public var remoteAddress: String
    /// Event-specific fields after the common ones, in order (e.g. `Challenge`, `Response`).
    public var extraFields: [(key: String, value: String)] = []

    public init(name: String, accountID: String, remoteAddress: String) {
        self.name = name
        self.accountID = accountID
        self.remoteAddress = remoteAddress
    }

    /// PJSIP `InvalidAccountID` (no matching endpoint) from `remote` (e.g. `IPV4/UDP/198.51.100.7/5062`).
    public static func invalidAccountID(from remote: String, account: String = "1001") -> AsteriskSecurityEvent {
        AsteriskSecurityEvent(name: "InvalidAccountID", accountID: account, remoteAddress: remote)
    }

    /// PJSIP `ChallengeResponseFailed` (wrong password) from `remote`.
    public static func challengeResponseFailed(from remote: String, account: String = "1001") -> AsteriskSecurityEvent {
        var event = AsteriskSecurityEvent(name: "ChallengeResponseFailed", accountID: account, remoteAddress: remote)
        event.extraFields = [
            ("Challenge", "1714558273/6d16ccf29ff59d423c6d548af00bf9b4"),
            ("Response", "849dfcf133d8156f77ef11a9194119df"), ("ExpectedResponse", ""),
        ]
        return event
    }

    /// The bytes on the wire.
    public var text: String {
        var text = "Event: \(name)\r\nPrivilege: security,all\r\n"
        let common = [
            ("EventTV", eventTV), ("Severity", severity), ("Service", service), ("EventVersion", eventVersion),
            ("AccountID", accountID), ("SessionID", sessionID), ("LocalAddress", localAddress),
            ("RemoteAddress", remoteAddress),
        ]
        for (key, value) in common + extraFields.map({ ($0.key, $0.value) }) { text += "\(key): \(value)\r\n" }
        return text + "\r\n"
    }
}
