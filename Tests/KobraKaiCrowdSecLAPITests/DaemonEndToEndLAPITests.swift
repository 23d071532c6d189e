import Foundation
import KobraKaiAddress
import KobraKaiDaemon
import KobraKaiNetfilterTestSupport
import Testing

extension CrowdSecLAPISuites {
    /// The real `kobrakai` binary with CrowdSec enabled against a real LAPI, both in one private network
    /// namespace with nft/kobrakai.nft loaded (the host's ruleset is never touched).
    @Suite("kobrakai run with CrowdSec against a real LAPI", .timeLimit(.minutes(3)))
    struct DaemonEndToEndLAPITests {
        @Test("cscli decisions reach the kernel set, a log attack reaches the LAPI, and kobrakai unban of it stays unbanned across pulls and a restart")
        func daemonWithCrowdSec() async throws {
            let fixture = try await CrowdSecDaemonFixture()
            let (firewall, lapi) = (fixture.firewall, fixture.lapi)
            var daemon = try await fixture.startDaemon()
            defer { daemon.stop() }

            // CrowdSec → kernel.
            try await lapi.cscli(["decisions", "add", "--ip", "198.51.100.7", "--duration", "1h"])
            #expect(await eventually { (try? await firewall.lookup(IPAddress("198.51.100.7")!))?.comment?.hasPrefix("crowdsec:") == true },
                    "\(fixture.daemonOutput)")

            // Log → kernel → LAPI.
            let attacker = "203.0.113.5"
            try fixture.attack(attacker)
            #expect(await eventually { (try? await firewall.lookup(IPAddress(attacker)!)) != nil }, "\(fixture.daemonOutput)")
            #expect(await eventually { (try? await lapi.listedDecisionValues().contains(attacker)) == true }, "\(fixture.daemonOutput)")
            // A few pulls later it is still our local ban.
            try await Task.sleep(for: .seconds(3))
            #expect(try await firewall.lookup(IPAddress(attacker)!)?.comment == "security.failed-acl: high severity, first event")

            // kobrakai unban: gone locally at once, gone from the LAPI, not back after pulls or a restart's full pull.
            let unbanned = try await fixture.cli(["unban", "--socket", fixture.socketPath, attacker])
            #expect(unbanned.status == 0, "\(unbanned.standardError)")
            #expect(try await firewall.lookup(IPAddress(attacker)!) == nil)
            #expect(await eventually { (try? await lapi.listedDecisionValues().contains(attacker)) == false }, "\(fixture.daemonOutput)")
            try await Task.sleep(for: .seconds(3))
            #expect(try await firewall.lookup(IPAddress(attacker)!) == nil, "not back after the next pulls")

            daemon.stop()
            daemon = try await fixture.startDaemon()
            // The startup (full) pull has succeeded once the bouncer reports "ok".
            #expect(await eventually { fixture.bouncerState() == "ok" }, "\(fixture.daemonOutput)")
            #expect(try await firewall.lookup(IPAddress(attacker)!) == nil, "not back after a full startup pull")

            // The history behind kobrakai report has both origins, our own decision applied by nobody else.
            let report = try await fixture.cli(["report", "--state", fixture.statePath, "--json"])
            #expect(report.status == 0, "\(report.standardError)")
            #expect(report.standardOutput.contains("{\"count\":1,\"key\":\"log\"}"), "\(report.standardOutput)")
            #expect(report.standardOutput.contains("{\"count\":1,\"key\":\"crowdsec\"}"), "\(report.standardOutput)")
            #expect(report.standardOutput.contains("\"total_events\":1"), "\(report.standardOutput)")
        }

        @Test("kobrakai reload re-reads a corrected bouncer key file; an unreadable one fails the reload and changes nothing")
        func reloadRereadsBouncerKey() async throws {
            let fixture = try await CrowdSecDaemonFixture(bouncerKey: "not-the-key")
            let daemon = try await fixture.startDaemon()
            defer { daemon.stop() }
            try await fixture.lapi.cscli(["decisions", "add", "--ip", "198.51.100.9", "--duration", "1h"])
            #expect(await eventually { fixture.bouncerState() == "failing" }, "\(fixture.daemonOutput)")

            // A key file other users can read is refused: the reload fails, the daemon keeps running.
            let keyFile = fixture.directory + "/bouncer.key"
            try CrowdSecDaemonFixture.writeSecret(LocalAPIServer.bouncerKey, to: keyFile)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyFile)
            let refused = try await fixture.cli(["reload", "--socket", fixture.socketPath])
            #expect(refused.status != 0 && refused.standardError.contains("bouncer_api_key_file"), "\(refused.standardOutput)\(refused.standardError)")

            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
            let reloaded = try await fixture.cli(["reload", "--socket", fixture.socketPath])
            #expect(reloaded.status == 0 && reloaded.standardOutput.contains("crowdsec bouncer key and machine password re-read"),
                    "\(reloaded.standardOutput)\(reloaded.standardError)")
            #expect(await eventually { (try? await fixture.firewall.lookup(IPAddress("198.51.100.9")!)) != nil }, "\(fixture.daemonOutput)")
            #expect(fixture.bouncerState() == "ok")
        }
    }
}
