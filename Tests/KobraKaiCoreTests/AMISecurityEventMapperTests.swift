import KobraKaiAddress
import KobraKaiCore
import Testing

@Suite("AMI security event mapping")
struct AMISecurityEventMapperTests {
    static func event(_ name: String, remote: String = "IPV4/UDP/198.51.100.7/5071", extra: [(String, String)] = [])
        -> AMIMessage
    {
        var fields: [AMIMessage.Field] = [
            .init(key: "Event", value: name), .init(key: "Privilege", value: "security,all"),
            .init(key: "EventTV", value: "2024-05-01T10:11:12.345+0000"), .init(key: "Severity", value: "Error"),
            .init(key: "Service", value: "PJSIP"), .init(key: "EventVersion", value: "1"),
            .init(key: "AccountID", value: "1001"), .init(key: "SessionID", value: "1480223017"),
            .init(key: "LocalAddress", value: "IPV4/UDP/203.0.113.10/5060"), .init(key: "RemoteAddress", value: remote),
        ]
        fields += extra.map { AMIMessage.Field(key: $0.0, value: $0.1) }
        return AMIMessage(fields: fields)
    }

    @Test("every security event type maps to its catalogue rule", arguments: SecurityEventKind.allCases)
    func everyType(_ kind: SecurityEventKind) throws {
        let mapping = AMISecurityEventMapper.map(Self.event(kind.rawValue), messageNumber: 7, receivedAt: nil)
        guard case .event(let event) = mapping else {
            Issue.record("\(kind): \(mapping)")
            return
        }
        #expect(event.rule == kind.rule.id)
        #expect(event.severity == kind.rule.severity)
        #expect(event.origin == .ami)
        #expect(event.service == .pjsip)
        #expect(event.address == IPAddress("198.51.100.7"))
        #expect(event.port == 5071)
        #expect(event.account == "1001")
        #expect(event.line == 7)
        #expect(event.time?.iso8601 == "2024-05-01T10:11:12.345Z")
    }

    @Test("informational events stay informational")
    func informational() {
        #expect(SecurityEventKind.successfulAuth.rule.severity == .informational)
        #expect(SecurityEventKind.challengeSent.rule.severity == .informational)
        #expect(SecurityEventKind.invalidAccountID.rule.severity == .medium)
        #expect(SecurityEventKind.failedACL.rule.severity == .high)
    }

    @Test("a duplicated key is an injection, whichever copy is first")
    func duplicatedKey() {
        // §6.4 (4): a CR/LF in the AccountID adds a RemoteAddress line before the real one.
        var message = Self.event("InvalidAccountID")
        message.fields.insert(.init(key: "RemoteAddress", value: "IPV4/U/192.0.2.9/1"), at: 7)
        guard case .injectionSuspected = AMISecurityEventMapper.map(message) else {
            Issue.record("expected an injection verdict")
            return
        }
        var lowerCase = Self.event("InvalidPassword")
        lowerCase.fields.append(.init(key: "remoteaddress", value: "IPV4/UDP/198.51.100.7/5071"))
        guard case .injectionSuspected = AMISecurityEventMapper.map(lowerCase) else {
            Issue.record("keys compare case-insensitively")
            return
        }
    }

    @Test(
        "RemoteAddress is parsed strictly",
        arguments: [
            "IPV4/UDP/198.51.100.7", "IPV4/UDP/198.51.100.256/5060", "IPV4/UDP/198.51.100.7/65536",
            "IPV6/UDP/198.51.100.7/5060",
            "IPV4/UDP/2001:db8::7/5060", "IPV4/UDP/198.51.100.7/5060 ", "IPV4/FOO/198.51.100.7/5060",
            "198.51.100.7:5060",
            "IPV6/UDP/fe80::1%eth0/5060", "IPV4/UDP/198.51.100.07/5060", "IPV4/UDP//5060", "",
        ])
    func strictRemoteAddress(_ remote: String) {
        guard case .malformed = AMISecurityEventMapper.map(Self.event("FailedACL", remote: remote)) else {
            Issue.record("accepted \(remote)")
            return
        }
    }

    @Test(
        "accepted address forms",
        arguments: [
            ("IPV6/UDP/2001:db8::7/5060", "2001:db8::7", UInt16(5060)),
            ("IPV4/198.51.100.7/5060", "198.51.100.7", 5060),
            ("IPV6/WSS/::ffff:198.51.100.7/443", "198.51.100.7", 443), ("IPV4/WS/198.51.100.7/80", "198.51.100.7", 80),
        ])
    func acceptedForms(_ sample: (String, String, UInt16)) {
        guard case .event(let event) = AMISecurityEventMapper.map(Self.event("InvalidPassword", remote: sample.0))
        else {
            Issue.record("refused \(sample.0)")
            return
        }
        #expect(event.address == IPAddress(sample.1))
        #expect(event.port == sample.2)
    }

    @Test("non-security events and responses are not events")
    func notSecurity() {
        #expect(
            AMISecurityEventMapper.map(AMIMessage(fields: [.init(key: "Event", value: "FullyBooted")]))
                == .notSecurityEvent)
        #expect(
            AMISecurityEventMapper.map(AMIMessage(fields: [.init(key: "Response", value: "Success")]))
                == .notSecurityEvent)
    }

    @Test("the service comes from the event")
    func service() {
        var message = Self.event("InvalidPassword")
        message.fields[4] = .init(key: "Service", value: "AMI")
        guard case .event(let event) = AMISecurityEventMapper.map(message) else {
            Issue.record("not mapped")
            return
        }
        #expect(event.service == .ami)
    }
}
