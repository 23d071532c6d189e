import KobraKaiAddress
import KobraKaiCore
import Testing

@Suite("AMI client session")
struct AMIClientSessionTests {
    static func at(_ seconds: Int64) -> Timestamp { Timestamp(secondsSinceEpoch: 1_714_558_000 + seconds) }

    static func session() throws -> AMIClientSession {
        let configuration = try AMIClientConfiguration(
            username: "ids", secret: "s3cret", pingInterval: .seconds(30), responseTimeout: .seconds(10))
        var session = AMIClientSession(configuration: configuration)
        session.connected(now: at(0))
        return session
    }

    static func text(_ output: AMIClientSession.Output) -> String? {
        if case .send(let bytes) = output { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }

    static func loggedIn() throws -> AMIClientSession {
        var session = try session()
        _ = session.receive(Array("Asterisk Call Manager/9.0.0\r\n".utf8), now: at(0))
        _ = session.receive(
            Array("Response: Success\r\nActionID: kobrakai-1\r\nMessage: Authentication accepted\r\n\r\n".utf8),
            now: at(1))
        #expect(session.state == .loggedIn)
        return session
    }

    @Test("banner triggers the Login action; success logs in")
    func loginSuccess() throws {
        var session = try Self.session()
        #expect(session.state == .awaitingBanner)
        let afterBanner = session.receive(Array("Asterisk Call Manager/9.0.0\r\n".utf8), now: Self.at(0))
        #expect(
            afterBanner.compactMap(Self.text) == [
                "Action: Login\r\nActionID: kobrakai-1\r\nUsername: ids\r\nSecret: s3cret\r\nEvents: security\r\n\r\n"
            ])
        #expect(session.state == .awaitingLoginResponse)
        let response = session.receive(
            Array("Response: Success\r\nActionID: kobrakai-1\r\nMessage: Authentication accepted\r\n\r\n".utf8),
            now: Self.at(1))
        #expect(response == [.loggedIn(managerVersion: "9.0.0")])
        #expect(session.state == .loggedIn)
    }

    @Test("Response: Error to Login is an authentication failure and closes the session")
    func loginFailure() throws {
        var session = try Self.session()
        _ = session.receive(Array("Asterisk Call Manager/9.0.0\r\n".utf8), now: Self.at(0))
        let outputs = session.receive(
            Array("Response: Error\r\nActionID: kobrakai-1\r\nMessage: Authentication failed\r\n\r\n".utf8),
            now: Self.at(1))
        #expect(outputs == [.authenticationFailed(message: "Authentication failed")])
        #expect(session.state == .closed)
        #expect(session.receive(Array("Event: X\r\n\r\n".utf8), now: Self.at(2)).isEmpty)
    }

    @Test("a response to another ActionID does not log in")
    func wrongActionID() throws {
        var session = try Self.session()
        _ = session.receive(Array("Asterisk Call Manager/9.0.0\r\n".utf8), now: Self.at(0))
        #expect(session.receive(Array("Response: Success\r\nActionID: other\r\n\r\n".utf8), now: Self.at(1)).isEmpty)
        #expect(session.state == .awaitingLoginResponse)
    }

    @Test("pings after the idle interval, accepts the Pong, detects a dead peer")
    func pingPong() throws {
        var session = try Self.loggedIn()
        #expect(session.tick(now: Self.at(10)).isEmpty)
        let ping = session.tick(now: Self.at(31))
        #expect(ping.compactMap(Self.text) == ["Action: Ping\r\nActionID: kobrakai-2\r\n\r\n"])
        #expect(session.tick(now: Self.at(35)).isEmpty, "one ping outstanding at a time")
        let pong = session.receive(
            Array(
                "Response: Success\r\nActionID: kobrakai-2\r\nPing: Pong\r\nTimestamp: 1714558273.123456\r\n\r\n".utf8),
            now: Self.at(36))
        #expect(pong.isEmpty)
        #expect(session.tick(now: Self.at(60)).isEmpty)
        let second = session.tick(now: Self.at(67))
        #expect(second.compactMap(Self.text) == ["Action: Ping\r\nActionID: kobrakai-3\r\n\r\n"])
        #expect(session.tick(now: Self.at(77)).isEmpty)
        #expect(session.tick(now: Self.at(78)) == [.peerDead("no Pong for kobrakai-3")])
        #expect(session.state == .closed)
    }

    @Test("no banner or no login response in time is a dead peer")
    func loginTimeouts() throws {
        var silent = try Self.session()
        #expect(silent.tick(now: Self.at(5)).isEmpty)
        #expect(silent.tick(now: Self.at(11)) == [.peerDead("no AMI banner")])
        var unanswered = try Self.session()
        _ = unanswered.receive(Array("Asterisk Call Manager/9.0.0\r\n".utf8), now: Self.at(0))
        #expect(unanswered.tick(now: Self.at(11)) == [.peerDead("no response to Login")])
    }

    @Test("security events after login become events; duplicated keys become injection warnings")
    func events() throws {
        var session = try Self.loggedIn()
        let body =
            "Event: InvalidAccountID\r\nPrivilege: security,all\r\nEventTV: 2024-05-01T10:11:12.345+0000\r\n"
            + "Severity: Error\r\nService: PJSIP\r\nEventVersion: 1\r\nAccountID: 1001\r\nSessionID: 1\r\n"
            + "LocalAddress: IPV4/UDP/203.0.113.10/5060\r\nRemoteAddress: IPV4/UDP/198.51.100.7/5071\r\n\r\n"
        let outputs = session.receive(Array(body.utf8), now: Self.at(2))
        guard case .event(let event) = outputs.first, outputs.count == 1 else {
            Issue.record("expected one event, got \(outputs)")
            return
        }
        #expect(event.address == IPAddress("198.51.100.7"))
        #expect(event.origin == .ami)
        #expect(event.rule == "security.invalid-account-id")
        let forged = body.replacingOccurrences(
            of: "AccountID: 1001\r\n", with: "AccountID: \r\nRemoteAddress: IPV4/U/192.0.2.9/1\r\n")
        guard case .injectionSuspected = session.receive(Array(forged.utf8), now: Self.at(3)).first else {
            Issue.record("expected an injection warning")
            return
        }
        #expect(
            session.receive(Array("Event: FullyBooted\r\nStatus: Fully Booted\r\n\r\n".utf8), now: Self.at(4)).isEmpty)
    }

    @Test("an event carrying a Response field (ChallengeResponseFailed) is an event, not a response")
    func eventWithResponseField() throws {
        var session = try Self.loggedIn()
        let body =
            "Event: ChallengeResponseFailed\r\nPrivilege: security,all\r\nEventTV: 2024-05-01T10:11:13.002+0000\r\n"
            + "Severity: Error\r\nService: PJSIP\r\nEventVersion: 1\r\nAccountID: <unknown>\r\n"
            + "SessionID: a84b4c76e66710@pc33\r\nLocalAddress: IPV6/TLS/2001:db8::10/5061\r\n"
            + "RemoteAddress: IPV6/TLS/2001:db8::7/40211\r\nChallenge: 1714558273/6d16ccf29ff59d423c6d548af00bf9b4\r\n"
            + "Response: 849dfcf133d8156f77ef11a9194119df\r\nExpectedResponse: \r\n\r\n"
        let outputs = session.receive(Array(body.utf8), now: Self.at(2))
        guard case .event(let event) = outputs.first, outputs.count == 1 else {
            Issue.record("expected one event, got \(outputs)")
            return
        }
        #expect(event.address == IPAddress("2001:db8::7"))
        #expect(event.rule == "security.challenge-response-failed")
    }

    @Test("events before login are ignored; framing errors are reported without closing")
    func beforeLoginAndErrors() throws {
        var session = try Self.session()
        _ = session.receive(Array("Asterisk Call Manager/9.0.0\r\n".utf8), now: Self.at(0))
        let early = session.receive(
            Array("Event: InvalidAccountID\r\nRemoteAddress: IPV4/UDP/198.51.100.7/5071\r\n\r\n".utf8), now: Self.at(0))
        #expect(early.isEmpty)
        var loggedIn = try Self.loggedIn()
        let outputs = loggedIn.receive(Array("no colon here\r\n\r\n".utf8), now: Self.at(2))
        guard case .framingError(.lineWithoutColon) = outputs.first else {
            Issue.record("expected a framing error, got \(outputs)")
            return
        }
        #expect(loggedIn.state == .loggedIn)
    }

    @Test("logoff sends Logoff once and closes")
    func logoff() throws {
        var session = try Self.loggedIn()
        #expect(session.logoff().compactMap(Self.text) == ["Action: Logoff\r\nActionID: kobrakai-2\r\n\r\n"])
        #expect(session.state == .closed)
        #expect(session.logoff().isEmpty)
        #expect(session.tick(now: Self.at(100)).isEmpty)
    }

    @Test("credentials that could inject AMI headers are refused")
    func unsafeCredentials() {
        #expect(throws: AMIClientConfiguration.Invalid.unsafeCredential(field: "secret")) {
            try AMIClientConfiguration(username: "ids", secret: "x\r\nAction: Command")
        }
        #expect(throws: AMIClientConfiguration.Invalid.unsafeCredential(field: "username")) {
            try AMIClientConfiguration(username: "", secret: "x")
        }
    }
}
