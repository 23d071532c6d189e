import KobraKaiAddress
import KobraKaiCore
import KobraKaiDaemon
import KobraKaiDaemonTestSupport
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

/// The AMI client against a scripted Asterisk manager over real TCP on 127.0.0.1.
@Suite("AMIClientService")
struct AMIClientServiceTests {
    static func event(_ host: String, port: Int = 5062, account: String = "1001") -> AsteriskSecurityEvent {
        AsteriskSecurityEvent.invalidAccountID(from: "IPV4/UDP/\(host)/\(port)", account: account)
    }

    @Test("login with Events: security, then security events arrive as SecurityEvents with origin ami")
    func loginAndEvents() async throws {
        let bed = try AMITestBed()
        let running = RunningService(bed.client)
        try await bed.waitForLogins(1)
        let logins = bed.peerLog.items.compactMap { if case .loginAccepted(_, let events) = $0 { events } else { nil } }
        #expect(logins == ["security"])
        #expect(bed.client.health.managerVersion == "9.0.0")

        bed.peer.send(Self.event("198.51.100.7"))
        var wrongPassword = AsteriskSecurityEvent.challengeResponseFailed(from: "IPV6/TLS/2001:db8::7/40211", account: "200")
        wrongPassword.service = "PJSIP"
        bed.peer.send(wrongPassword)
        let events = try await bed.waitForEvents(2)
        #expect(events.count == 2)
        #expect(events[0].address == IPAddress("198.51.100.7"))
        #expect(events[0].port == 5062)
        #expect(events[0].origin == .ami)
        #expect(events[0].service == .pjsip)
        #expect(events[0].rule == "security.invalid-account-id")
        #expect(events[0].account == "1001")
        #expect(events[1].address == IPAddress("2001:db8::7"))
        #expect(events[1].rule == "security.challenge-response-failed")
        // FullyBooted and the Login response are not security events.
        #expect(bed.client.health.eventsDelivered == 2)
        #expect(bed.client.health.protocolErrors == 0 && bed.client.health.framingErrors == 0)
        await running.stop()
        await bed.finish()
    }

    @Test("a refused login is logged as an error, backs off longer each time, and delivers nothing")
    func authenticationFailure() async throws {
        // Like Asterisk, the peer answers a bad login only after a pause, with the connection still open.
        let bed = try AMITestBed(peerSecret: "other", refusalDelay: .milliseconds(100))
        let running = RunningService(bed.client)
        try await bed.peerLog.wait(for: "a refused login") { $0.contains { if case .loginRefused = $0 { true } else { false } } }
        // An event on the not-logged-in connection (queued behind the refusal) must not be delivered.
        bed.peer.send(Self.event("198.51.100.9").text, toUnauthenticated: true)
        let snapshots = try await bed.health.wait(for: "three refused logins") { items in
            items.filter { $0.state == .authenticationFailed }.count >= 3
        }
        let refused = snapshots.filter { $0.state == .authenticationFailed }
        let ceilings = refused.compactMap(\.retryCeiling)
        #expect(Array(ceilings.prefix(3)) == [.milliseconds(300), .milliseconds(600), .milliseconds(1200)])
        for snapshot in refused {
            let delay = try #require(snapshot.retryDelay)
            let ceiling = try #require(snapshot.retryCeiling)
            #expect(delay >= ceiling / 2 && delay <= ceiling, "equal jitter: \(delay) under \(ceiling)")
        }
        #expect(refused.last?.lastError?.contains("Authentication failed") == true)
        #expect(refused.last?.logins == 0)
        let errors = bed.logs.items.filter { $0.level == .error }
        #expect(errors.count >= 3)
        #expect(errors.first?.message.contains("login as \"kobrakai\" refused") == true)
        #expect(errors.first?.message.contains("manager.conf") == true)
        try await bed.peerLog.wait(for: "three refused logins at the peer") { items in
            items.filter { if case .loginRefused = $0 { true } else { false } }.count >= 3
        }
        #expect(bed.events.items.isEmpty)
        await running.stop()
        await bed.finish()
    }

    @Test("a restarted manager on the same port is reconnected and events flow again")
    func peerRestart() async throws {
        let bed = try AMITestBed()
        let running = RunningService(bed.client)
        try await bed.waitForLogins(1)
        bed.peer.send(Self.event("198.51.100.1"))
        _ = try await bed.waitForEvents(1)

        await bed.peer.stopListening()
        try await bed.health.wait(for: "backing off after the drop") { $0.last?.state == .backingOff }
        // Refused connects while the manager is down keep the client backing off.
        try await bed.health.wait(for: "a refused connect") { items in
            items.contains { $0.lastError?.contains("Connection refused") == true }
        }
        try await bed.peer.startListening()
        try await bed.waitForLogins(2)
        bed.peer.send(Self.event("198.51.100.2"))
        let events = try await bed.waitForEvents(2)
        #expect(events.map(\.address) == [IPAddress("198.51.100.1"), IPAddress("198.51.100.2")])
        #expect(bed.client.health.reconnects >= 2)
        await running.stop()
        await bed.finish()
    }

    @Test("a connection dropped by the manager (still listening) is re-established")
    func droppedConnection() async throws {
        let bed = try AMITestBed()
        let running = RunningService(bed.client)
        try await bed.waitForLogins(1)
        bed.peer.disconnectAll()
        try await bed.waitForLogins(2)
        #expect(bed.health.items.contains { $0.lastError == "the manager closed the connection" })
        bed.peer.send(Self.event("198.51.100.11"))
        #expect(try await bed.waitForEvents(1).map(\.address) == [IPAddress("198.51.100.11")])
        await running.stop()
        await bed.finish()
    }

    @Test("a manager that stops answering pings is declared dead and reconnected")
    func deadPeer() async throws {
        let bed = try AMITestBed { settings in
            settings.session.pingInterval = .milliseconds(200)
            settings.session.responseTimeout = .milliseconds(1500)
        }
        let running = RunningService(bed.client)
        try await bed.waitForLogins(1)
        try await bed.peerLog.wait(for: "an answered ping") { $0.contains(.pinged(connection: 1, answered: true)) }
        bed.peer.answersPings = false
        try await bed.peerLog.wait(for: "the client closing the silent connection") { $0.contains(.closedByClient(connection: 1)) }
        bed.peer.answersPings = true
        try await bed.waitForLogins(2)
        let deadPeer = bed.health.items.first { $0.lastError?.hasPrefix("dead peer: no Pong for") == true }
        #expect(deadPeer != nil)
        bed.peer.send(Self.event("198.51.100.3"))
        #expect(try await bed.waitForEvents(1).first?.address == IPAddress("198.51.100.3"))
        await running.stop()
        await bed.finish()
    }

    @Test("frames split at arbitrary boundaries and trickled byte by byte decode exactly")
    func splitFrames() async throws {
        let bed = try AMITestBed()
        let running = RunningService(bed.client)
        try await bed.waitForLogins(1)
        for host in 1...30 {
            // Chunks of 1 to 7 bytes; every fifth event with a pause between chunks.
            bed.peer.send(Self.event("198.51.100.\(host)"), chunkSize: host % 7 + 1, pause: host % 5 == 0 ? .milliseconds(1) : .zero)
        }
        let events = try await bed.waitForEvents(30)
        #expect(events.map(\.address) == (1...30).map { IPAddress("198.51.100.\($0)") })
        #expect(bed.client.health.framingErrors == 0)
        await running.stop()
        await bed.finish()
    }

    @Test("a line beyond anything Asterisk sends resets the connection; the client reconnects")
    func oversizedLine() async throws {
        let bed = try AMITestBed()
        let running = RunningService(bed.client)
        try await bed.waitForLogins(1)
        bed.peer.send(bytes: Array(repeating: UInt8(ascii: "A"), count: 300 * 1024), chunkSize: 16 * 1024)
        try await bed.peerLog.wait(for: "the client resetting") { $0.contains(.closedByClient(connection: 1)) }
        try await bed.waitForLogins(2)
        #expect(bed.health.items.contains { $0.lastError?.contains("not behaving like Asterisk") == true })
        bed.peer.send(Self.event("198.51.100.4"))
        #expect(try await bed.waitForEvents(1).map(\.address) == [IPAddress("198.51.100.4")])
        await running.stop()
        await bed.finish()
    }

    @Test("an attacker's line without a colon skips one message but keeps the connection")
    func malformedLineKeepsConnection() async throws {
        let bed = try AMITestBed()
        let running = RunningService(bed.client)
        try await bed.waitForLogins(1)
        // CR/LF decoded from a From user into AccountID: the rest of that event is garbage.
        let broken = Self.event("198.51.100.5", account: "x\r\nnot a header")
        bed.peer.send(broken)
        bed.peer.send(Self.event("198.51.100.6"))
        let events = try await bed.waitForEvents(1)
        #expect(events.map(\.address) == [IPAddress("198.51.100.6")])
        #expect(bed.client.health.framingErrors == 1)
        #expect(!bed.peerLog.items.contains(.closedByClient(connection: 1)))
        #expect(bed.client.health.logins == 1)
        await running.stop()
        await bed.finish()
    }

    @Test("an event with a duplicated RemoteAddress (CR/LF injection) is refused, never banned on")
    func injectedRemoteAddress() async throws {
        let bed = try AMITestBed()
        let running = RunningService(bed.client)
        try await bed.waitForLogins(1)
        // §6.4 (4): the forged line comes first, the real one after it.
        bed.peer.send(Self.event("198.51.100.8", account: "\r\nRemoteAddress: IPV4/U/192.0.2.9/1"))
        bed.peer.send(Self.event("198.51.100.10"))
        let events = try await bed.waitForEvents(1)
        #expect(events.map(\.address) == [IPAddress("198.51.100.10")])
        #expect(bed.client.health.injectionsRefused == 1)
        #expect(bed.logs.items.contains { $0.level == .warning && $0.message.contains("injection") })
        await running.stop()
        await bed.finish()
    }
}
