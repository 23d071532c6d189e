/// Maps AMI security events (`Event: InvalidAccountID`, …) to `SecurityEvent`s with origin `.ami`.
///
/// Strict by design: an event with any duplicated key is refused as an injection attempt (a CR/LF in an
/// attacker's AccountID can only add lines, and the real RemoteAddress always follows the forged one), and
/// RemoteAddress must be exactly `IPV4|IPV6/[transport/]address/port` with a valid address.
public enum AMISecurityEventMapper {
    public enum Mapping: Hashable, Sendable {
        case event(SecurityEvent)
        /// Not a security event (responses, FullyBooted, …).
        case notSecurityEvent
        case injectionSuspected(String)
        case malformed(String)
    }

    public static func map(_ message: AMIMessage, messageNumber: Int? = nil, receivedAt: Timestamp? = nil) -> Mapping {
        guard let name = message.value("Event") else { return .notSecurityEvent }
        guard let kind = SecurityEventKind.allCases.first(where: { $0.rawValue == name }) else {
            return .notSecurityEvent
        }
        let duplicated = message.duplicatedKeys
        if !duplicated.isEmpty {
            return .injectionSuspected(
                "AMI \(name) event with duplicated key(s): \(duplicated.joined(separator: ", "))")
        }
        guard var remote = message.value("RemoteAddress") else {
            return .malformed("AMI \(name) event without RemoteAddress")
        }
        let source = remote.withUTF8 { SecurityAddress.parse(TextSpan($0)) }
        guard let source else { return .malformed("AMI \(name) event with an invalid RemoteAddress") }
        var service = kind.rule.service
        if var serviceText = message.value("Service") {
            service = serviceText.withUTF8 { SecurityAddress.service(TextSpan($0)) } ?? service
        }
        var time = receivedAt
        if var eventTV = message.value("EventTV") {
            time = eventTV.withUTF8 { LogDateParser.parse(TextSpan($0), context: .utc1970) } ?? receivedAt
        }
        let account = message.value("AccountID").flatMap { $0.isEmpty ? nil : $0 }
        return .event(
            SecurityEvent(
                time: time, address: source.address, port: source.port, origin: .ami, service: service,
                rule: kind.rule.id, severity: kind.rule.severity, account: account, line: messageNumber))
    }
}
