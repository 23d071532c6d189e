import Foundation
import KobraKaiAddress
import KobraKaiCore
import KobraKaiCrowdSec
import KobraKaiDaemon
import KobraKaiFirewall
import Logging
import ServiceLifecycle
import Testing

extension CrowdSecLAPISuites {
    /// Our own decisions on the LAPI: not re-applied by our bouncer, deleted when an operator unbans, pushed
    /// even when made during shutdown; credentials re-read on reload. Real CrowdSec 1.4.6.
    @Suite("KobraKai's own CrowdSec decisions against a real LAPI", .timeLimit(.minutes(3)))
    struct OwnDecisionsLAPITests {
        struct Assembly {
            let firewall: InMemoryFirewall
            let store: StateStore
            let engine: BanEngine
            let crowdsec: CrowdSecServices
            let input: AsyncStream<SecurityEvent>.Continuation
        }

        static func configuration(_ lapi: LocalAPIServer) -> CrowdSecConfiguration {
            var configuration = CrowdSecConfiguration()
            configuration.enabled = true
            configuration.bouncerAPIKey = LocalAPIServer.bouncerKey
            configuration.pullInterval = .milliseconds(200)
            configuration.pushEnabled = true
            configuration.machineID = LocalAPIServer.machineID
            configuration.password = LocalAPIServer.machinePassword
            return configuration
        }

        /// Engine, bouncer and watcher wired as `kobrakai run` wires them (in-memory firewall).
        static func assemble(_ lapi: LocalAPIServer, _ configuration: CrowdSecConfiguration, stateDirectory: String,
                             tick: Duration = .zero) async throws -> Assembly
        {
            let client = LocalAPIClient(baseURL: lapi.url, timeout: .seconds(5))
            let firewall = InMemoryFirewall()
            let store = try StateStore(directory: stateDirectory)
            let watcher = try #require(try CrowdSecServices.watcher(configuration, client: client))
            let (events, input) = AsyncStream<SecurityEvent>.makeStream()
            let engine = BanEngine(
                events: events, policy: CorePolicyAdapter(policy: try BanPolicy(configuration: PolicyConfiguration(), allowlist: Allowlist(prefixes: []))),
                firewall: firewall, store: store, allowlist: ProtectedAddresses([]), tick: tick,
                onBansApplied: CrowdSecServices.pushing(to: watcher))
            await engine.setOnBansLifted(CrowdSecServices.deleting(from: watcher))
            let bouncer = try CrowdSecServices.bouncer(configuration, firewall: firewall, engine: engine, store: store, client: client)
            return Assembly(firewall: firewall, store: store, engine: engine, crowdsec: CrowdSecServices(bouncer: bouncer, watcher: watcher), input: input)
        }

        /// Waits for a full pull that started after this call.
        static func fullPull(_ bouncer: CrowdSecBouncerService) async -> Bool {
            let before = bouncer.health.lastSuccess ?? .distantPast
            try? await Task.sleep(for: .milliseconds(20))
            bouncer.resync()
            return await eventually { (bouncer.health.lastSuccess ?? .distantPast) > before.addingTimeInterval(0.05) }
        }

        @Test("our pushed ban is not re-applied by our bouncer; kobrakai unban deletes only our decision, and a full pull keeps it lifted")
        func unbanOfPushedBanStays() async throws {
            let lapi = try await LocalAPIServer()
            defer { lapi.tearDown() }
            try await lapi.start()
            let directory = NSTemporaryDirectory() + "kobrakai-own-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let parts = try await Self.assemble(lapi, Self.configuration(lapi), stateDirectory: directory)
            let bouncer = try #require(parts.crowdsec.bouncer)
            let watcher = try #require(parts.crowdsec.watcher)
            let tasks = [Task { try await parts.engine.run() }, Task { try await bouncer.run() }, Task { try await watcher.run() }]
            defer {
                parts.input.finish()
                for task in tasks { task.cancel() }
            }
            let pushed = IPAddress("203.0.113.9")!
            let shared = IPAddress("203.0.113.10")!

            #expect(try await parts.engine.operatorBan(IPPrefix(host: pushed), duration: .seconds(3600), reason: "manual") == .banned)
            #expect(await eventually { watcher.health.applied == 1 })
            // Another source (an operator on the LAPI) bans `shared` too, before we ban and push it.
            try await lapi.cscli(["decisions", "add", "--ip", shared.description, "--duration", "2h"])
            #expect(await eventually { (try? await parts.firewall.lookup(shared)) != nil })
            #expect(try await parts.engine.operatorBan(IPPrefix(host: shared), duration: .seconds(3600), reason: "manual") == .banned)
            #expect(await eventually { watcher.health.applied == 2 })
            #expect(try await lapi.listedDecisionValues().filter { $0 == pushed.description }.count == 1)

            #expect(await Self.fullPull(bouncer))
            let entry = try #require(try await parts.firewall.lookup(pushed))
            #expect(entry.comment == "manual", "our own decision must not come back under a crowdsec: comment")

            try await parts.engine.operatorUnban([IPPrefix(host: pushed)])
            #expect(try await parts.firewall.lookup(pushed) == nil)
            #expect(await eventually { (try? await lapi.listedDecisionValues().contains(pushed.description)) == false })
            #expect(await Self.fullPull(bouncer))
            #expect(try await parts.firewall.lookup(pushed) == nil, "a full pull after the unban must not ban it again")

            try await parts.engine.operatorUnban([IPPrefix(host: shared)])
            #expect(await eventually { (try? await lapi.decisionIDs(value: shared.description).count) == 1 },
                    "only our decision for \(shared) is deleted; the operator's stays")
            let history = try await parts.store.banHistory()
            #expect(history.contains { $0.origin == "crowdsec" && $0.target == IPPrefix(host: shared) }, "the bouncer's ban is in the history")
            #expect(!history.contains { $0.origin == "crowdsec" && $0.target == IPPrefix(host: pushed) })
        }

        @Test("a ban decided during shutdown is pushed before the watcher stops (engine flush, then watcher drain)")
        func shutdownPushesLastBans() async throws {
            let lapi = try await LocalAPIServer()
            defer { lapi.tearDown() }
            try await lapi.start()
            let directory = NSTemporaryDirectory() + "kobrakai-own-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var configuration = Self.configuration(lapi)
            configuration.enabled = false
            // A long tick: the decision below stays pending until the engine's final flush at shutdown.
            let parts = try await Self.assemble(lapi, configuration, stateDirectory: directory, tick: .seconds(60))
            let services = parts.crowdsec.arranged(engine: parts.engine, then: [])
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }, logger: Logger(label: "test.group")))
            let running = Task { try await group.run() }
            try await Task.sleep(for: .milliseconds(300))
            let event = SecurityEvent(time: nil, address: IPAddress("198.51.100.77")!, origin: .logFile, service: .pjsip,
                                      rule: "security.failed-acl", severity: .high)
            await parts.engine.observe([event], path: "/var/log/asterisk/full",
                                       position: FilePosition(identity: FileIdentity(device: 1, inode: 1), offset: 1))
            #expect(try await parts.firewall.lookup(IPAddress("198.51.100.77")!) == nil, "still pending")
            await group.triggerGracefulShutdown()
            try await running.value
            #expect(try await parts.firewall.lookup(IPAddress("198.51.100.77")!) != nil, "flushed at shutdown")
            #expect(try await lapi.listedDecisionValues().contains("198.51.100.77"), "pushed before the watcher stopped")
        }

        @Test("kobrakai reload re-reads the bouncer key and the machine password from their files")
        func credentialsReread() async throws {
            let lapi = try await LocalAPIServer()
            defer { lapi.tearDown() }
            try await lapi.start()
            let directory = NSTemporaryDirectory() + "kobrakai-own-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var configuration = Self.configuration(lapi)
            configuration.bouncerAPIKey = nil
            configuration.bouncerAPIKeyFile = directory + "/bouncer.key"
            configuration.password = nil
            configuration.passwordFile = directory + "/machine.password"
            for (file, text) in [("bouncer.key", "wrong-key"), ("machine.password", "wrong-password")] {
                _ = FileManager.default.createFile(atPath: directory + "/" + file, contents: Data((text + "\n").utf8),
                                                   attributes: [.posixPermissions: 0o600])
            }
            let parts = try await Self.assemble(lapi, configuration, stateDirectory: directory + "/state")
            let bouncer = try #require(parts.crowdsec.bouncer)
            let watcher = try #require(parts.crowdsec.watcher)
            let tasks = [Task { try await parts.engine.run() }, Task { try await bouncer.run() }, Task { try await watcher.run() }]
            defer {
                parts.input.finish()
                for task in tasks { task.cancel() }
            }
            try await lapi.cscli(["decisions", "add", "--ip", "198.51.100.8", "--duration", "1h"])
            _ = try await parts.engine.operatorBan(IPPrefix("203.0.113.44")!, duration: .seconds(600), reason: "manual")
            #expect(await eventually { bouncer.health.consecutiveFailures >= 1 && watcher.health.consecutiveFailures >= 1 })

            try Data((LocalAPIServer.bouncerKey + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/bouncer.key"))
            try Data((LocalAPIServer.machinePassword + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/machine.password"))
            #expect(try parts.crowdsec.reloadCredentials(configuration) == "bouncer key and machine password")
            #expect(await eventually { (try? await parts.firewall.lookup(IPAddress("198.51.100.8")!)) != nil })
            #expect(await eventually { (try? await lapi.listedDecisionValues().contains("203.0.113.44")) == true })
        }
    }
}
