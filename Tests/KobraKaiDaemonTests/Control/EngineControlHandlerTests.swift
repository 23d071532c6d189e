import Glibc
import KobraKaiAddress
import KobraKaiCore
import KobraKaiDaemon
import KobraKaiFirewall
import Testing

/// The control commands end to end: real socket, real store, the engine, a recording firewall.
@Suite("EngineControlHandler")
struct EngineControlHandlerTests {
    @Test("ban, list, test-ip, unban, status and reload over the control socket")
    func commandsEndToEnd() async throws {
        let fixture = try BanEngineTests.Fixture(allowlist: ["192.0.2.0/24"])
        let handler = EngineControlHandler(
            engine: fixture.engine, defaultBanDuration: .seconds(3600),
            extraStatus: { ["followed_files": .integer(2)] }, reload: { "allowlist: 1 entry" })
        let path = fixture.directory.file("control.sock")
        let server = try await startControlServer(configuration: .init(path: path, allowedUserIDs: [getuid()]), handler: handler)

        let responses = try await offPool {
            let client = try ControlClient(path: path)
            return [
                try client.send(ControlRequest(command: .ban, address: "203.0.113.9", duration: "15m", reason: "manual")),
                try client.send(ControlRequest(command: .ban, address: "192.0.2.44")),
                try client.send(ControlRequest(command: .ban, address: "203.0.113.300")),
                try client.send(ControlRequest(command: .ban, address: "203.0.113.10", duration: "soon")),
                try client.send(ControlRequest(command: .list)),
                try client.send(ControlRequest(command: .testIP, address: "203.0.113.9")),
                try client.send(ControlRequest(command: .unban, address: "203.0.113.9")),
                try client.send(ControlRequest(command: .testIP, address: "192.0.2.44")),
                try client.send(ControlRequest(command: .status)),
                try client.send(ControlRequest(command: .reload)),
                try client.send(ControlRequest(command: .unban)),
            ]
        }
        #expect(responses[0] == .success(.object(["banned": .string("203.0.113.9"), "seconds": .integer(900)])))
        #expect(responses[1] == .failure("192.0.2.44 is allowlisted by 192.0.2.0/24; not banned"))
        #expect(responses[2].ok == false && responses[2].error?.hasPrefix("invalid address '203.0.113.300'") == true)
        #expect(responses[3] == .failure("invalid duration 'soon': use e.g. 90s, 15m, 1h, 7d"))
        #expect(responses[4] == .success(.array([.object([
            "target": .string("203.0.113.9"), "timeout_ms": .integer(900_000), "expires_in_ms": .integer(900_000),
            "comment": .string("manual"),
        ])])))
        #expect(responses[5].result?["banned"]?["target"] == .string("203.0.113.9"))
        #expect(responses[6] == .success(.object(["unbanned": .string("203.0.113.9")])))
        #expect(responses[7].result?["allowlisted_by"] == .string("192.0.2.0/24"))
        #expect(responses[7].result?["banned"] == .null)
        #expect(responses[8].result?["firewall"] == .string("ok"))
        #expect(responses[8].result?["followed_files"] == .integer(2))
        #expect(responses[8].result?["bans_applied"] == .integer(1))
        #expect(responses[9] == .success(.object(["summary": .string("allowlist: 1 entry")])))
        #expect(responses[10] == .failure("unban needs \"address\""))
        // The unban also left the store: a restore would not bring the ban back.
        #expect(try await fixture.store.unexpiredBans(now: BanEngineTests.now).isEmpty)
        await server.stop()
    }
}
