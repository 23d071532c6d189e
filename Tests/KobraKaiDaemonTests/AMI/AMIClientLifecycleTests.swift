import KobraKaiAddress
import KobraKaiCore
import KobraKaiDaemon
import KobraKaiDaemonTestSupport
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

/// Shutdown, reload and name resolution of the AMI client.
@Suite("AMIClientService lifecycle")
struct AMIClientLifecycleTests {
    @Test("graceful shutdown while logged in sends Logoff and returns within a bounded time")
    func gracefulShutdownLogsOff() async throws {
        let bed = try AMITestBed()
        let clock = ContinuousClock()
        var elapsed = Duration.zero
        try await testGracefulShutdown { trigger in
            let running = Task { try await bed.client.run() }
            try await bed.waitForLogins(1)
            let start = clock.now
            trigger.triggerGracefulShutdown()
            try await running.value
            elapsed = clock.now - start
        }
        #expect(elapsed < .seconds(5), "shutdown took \(elapsed)")
        #expect(bed.peerLog.items.contains(.loggedOff(connection: 1)))
        #expect(bed.client.health.state == .stopped)
        await bed.finish()
    }

    @Test("cancellation while backing off (manager down) returns promptly, without waiting out the delay")
    func cancelWhileBackingOff() async throws {
        let bed = try AMITestBed { settings in
            settings.reconnectDelay = .seconds(600)
            settings.reconnectDelayMax = .seconds(600)
        }
        await bed.peer.stopListening()
        let running = RunningService(bed.client)
        try await bed.health.wait(for: "backing off") { $0.last?.state == .backingOff }
        let clock = ContinuousClock()
        let start = clock.now
        await running.stop()
        #expect(clock.now - start < .seconds(5))
        #expect(bed.client.health.state == .stopped)
        await bed.finish()
    }

    @Test("a manager that accepts TCP but never sends a banner is dead after the response timeout")
    func silentManager() async throws {
        // The kernel completes the handshake on a listening socket that nobody reads: silence.
        let blackHole = try ListeningSocket()
        let bed = try AMITestBed { settings in
            settings.port = blackHole.port
            settings.session.responseTimeout = .milliseconds(300)
        }
        let running = RunningService(bed.client)
        try await bed.health.wait(for: "no banner") { items in
            items.contains { $0.lastError == "dead peer: no AMI banner" }
        }
        await running.stop()
        await bed.finish()
    }

    @Test("reload after a refused login retries at once with the new secret")
    func reloadAfterAuthenticationFailure() async throws {
        let bed = try AMITestBed { settings in
            settings.session = try AMIClientConfiguration(
                username: AMITestBed.username, secret: "wrong", pingInterval: .seconds(3600),
                responseTimeout: .seconds(10))
            // Without the reload the next attempt would be 5 to 10 minutes away.
            settings.authFailureDelay = .seconds(600)
        }
        let running = RunningService(bed.client)
        try await bed.health.wait(for: "refused") { $0.last?.state == .authenticationFailed }
        bed.client.reload(try AMITestBed.settings(port: bed.peer.port))
        try await bed.waitForLogins(1)
        bed.peer.send(AsteriskSecurityEvent.invalidAccountID(from: "IPV4/UDP/198.51.100.20/5060"))
        #expect(try await bed.waitForEvents(1).first?.address == IPAddress("198.51.100.20"))
        await running.stop()
        await bed.finish()
    }

    @Test("reload with changed settings while logged in logs off and reconnects; unchanged settings keep the session")
    func reloadWhileLoggedIn() async throws {
        let bed = try AMITestBed()
        let running = RunningService(bed.client)
        try await bed.waitForLogins(1)
        let same = try AMITestBed.settings(port: bed.peer.port)
        bed.client.reload(same)
        // A round trip through the session proves the reload was handled before we look.
        bed.peer.send(AsteriskSecurityEvent.invalidAccountID(from: "IPV4/UDP/198.51.100.21/5060"))
        _ = try await bed.waitForEvents(1)
        #expect(bed.client.health.logins == 1 && bed.client.health.connectionAttempts == 1)
        #expect(!bed.peerLog.items.contains(.loggedOff(connection: 1)))

        var changed = same
        changed.reconnectDelayMax = .milliseconds(300)
        bed.client.reload(changed)
        try await bed.peerLog.wait(for: "Logoff") { $0.contains(.loggedOff(connection: 1)) }
        try await bed.waitForLogins(2)
        await running.stop()
        await bed.finish()
    }

    @Test("a host name is resolved, and every address is tried (localhost may be ::1 first)")
    func hostName() async throws {
        let bed = try AMITestBed { settings in settings.host = "localhost" }
        let running = RunningService(bed.client)
        try await bed.waitForLogins(1)
        #expect(bed.client.health.endpoint == "localhost:\(bed.peer.port)")
        await running.stop()
        await bed.finish()
    }

    @Test("an unresolvable host is reported and retried, not fatal")
    func unresolvableHost() async throws {
        let bed = try AMITestBed { settings in settings.host = "kobrakai-no-such-host.invalid" }
        let running = RunningService(bed.client)
        try await bed.health.wait(for: "resolution failure") { items in
            items.contains { $0.state == .backingOff && $0.lastError?.hasPrefix("cannot resolve kobrakai-no-such-host.invalid") == true }
        }
        await running.stop()
        await bed.finish()
    }
}
