import Foundation
import KobraKaiAddress
import KobraKaiCore
import KobraKaiCrowdSec
import KobraKaiDaemon
import KobraKaiFirewall
import Testing

extension CrowdSecLAPISuites {
    /// The services `kobrakai run` assembles (engine, bouncer, watcher) against a real LAPI, with an
    /// in-memory firewall in place of the kernel.
    @Suite("The daemon's CrowdSec wiring against a real LAPI", .timeLimit(.minutes(2)))
    struct DaemonWiringLAPITests {
        /// Re-creates the "ruleset" of an in-memory firewall: empties it, then puts the store's bans back.
        final class FlushingGuard: RulesetGuard {
            let firewall: InMemoryFirewall
            init(firewall: InMemoryFirewall) { self.firewall = firewall }
            func rulesetChanges() -> AsyncStream<Void> { AsyncStream { $0.finish() } }
            func restore(_ bans: [BanRequest]) async throws(FirewallError) -> [RejectedBan] {
                try await firewall.flush()
                return try await firewall.ban(bans)
            }
        }

        @Test("allowlisted decisions are skipped, our bans reach the LAPI, and a repair brings CrowdSec's bans back")
        func assembledServices() async throws {
            let lapi = try await LocalAPIServer()
            defer { lapi.tearDown() }
            try await lapi.start()
            let stateDirectory = NSTemporaryDirectory() + "kobrakai-wiring-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: stateDirectory) }

            var configuration = CrowdSecConfiguration()
            configuration.enabled = true
            configuration.bouncerAPIKey = LocalAPIServer.bouncerKey
            configuration.pullInterval = .milliseconds(200)
            configuration.pushEnabled = true
            configuration.machineID = LocalAPIServer.machineID
            configuration.password = LocalAPIServer.machinePassword
            let client = LocalAPIClient(baseURL: lapi.url, timeout: .seconds(5))
            let firewall = InMemoryFirewall()
            let watcher = try #require(try CrowdSecServices.watcher(configuration, client: client))
            let (events, input) = AsyncStream<SecurityEvent>.makeStream()
            defer { input.finish() }
            let engine = BanEngine(
                events: events, policy: CorePolicyAdapter(policy: try BanPolicy(configuration: PolicyConfiguration(), allowlist: Allowlist(prefixes: []))),
                firewall: firewall, store: try StateStore(directory: stateDirectory),
                allowlist: ProtectedAddresses([IPPrefix("192.0.2.0/24")!]), rulesetGuard: FlushingGuard(firewall: firewall), tick: .zero,
                onBansApplied: CrowdSecServices.pushing(to: watcher))
            let bouncer = try #require(try CrowdSecServices.bouncer(configuration, firewall: firewall, engine: engine, client: client))
            await engine.addRulesetRepairedHandler { bouncer.resync() }
            let tasks = [Task { try await engine.run() }, Task { try await bouncer.run() }, Task { try await watcher.run() }]
            defer { for task in tasks { task.cancel() } }

            try await lapi.cscli(["decisions", "add", "--ip", "198.51.100.7", "--duration", "1h"])
            try await lapi.cscli(["decisions", "add", "--ip", "192.0.2.5", "--duration", "1h"])
            #expect(await eventually {
                let applied = (try? await firewall.lookup(IPAddress("198.51.100.7")!)) != nil
                return applied && bouncer.health.skipped == 1
            })
            #expect(try await firewall.lookup(IPAddress("192.0.2.5")!) == nil, "the engine's allowlist applies to CrowdSec's decisions")

            #expect(try await engine.operatorBan(IPPrefix("203.0.113.9")!, duration: .seconds(3600), reason: "manual") == .banned)
            #expect(await eventually { (try? await lapi.listedDecisionValues().contains("203.0.113.9")) == true })

            await engine.repairRuleset(trigger: "test: flushed")
            #expect(try await firewall.lookup(IPAddress("203.0.113.9")!) != nil, "the store's ban, restored by the repair")
            #expect(await eventually { (try? await firewall.lookup(IPAddress("198.51.100.7")!)) != nil }, "CrowdSec's ban, back after the resync")
            #expect(try await firewall.lookup(IPAddress("192.0.2.5")!) == nil)
        }
    }
}
