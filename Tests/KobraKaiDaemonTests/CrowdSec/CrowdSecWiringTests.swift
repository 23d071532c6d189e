import Foundation
import KobraKaiAddress
import KobraKaiCore
import KobraKaiCrowdSec
import KobraKaiDaemon
import KobraKaiFirewall
import Synchronization
import Testing

/// What `kobrakai run` decides about CrowdSec: which services exist, where credentials come from, which
/// bans are pushed, and that a ruleset repair asks the bouncer for a full pull.
@Suite("CrowdSec wiring in the daemon")
struct CrowdSecWiringTests {
    static let now = Timestamp(secondsSinceEpoch: 1_800_000_000)

    static func write(_ text: String, to path: String, mode: Int) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    static func engine(store: StateStore, firewall: RecordingFirewall, rulesetGuard: (any RulesetGuard)? = nil,
                       events: AsyncStream<SecurityEvent>, onBansApplied: @escaping @Sendable ([BanRecord]) -> Void) throws -> BanEngine
    {
        BanEngine(events: events, policy: try EngineIntegrationTests.policy(), firewall: firewall, store: store,
                  allowlist: ProtectedAddresses([IPPrefix("192.0.2.0/24")!]), rulesetGuard: rulesetGuard, tick: .zero,
                  now: { Self.now }, onBansApplied: onBansApplied)
    }

    @Test("disabled by default: no bouncer, no watcher, status says disabled")
    func disabledByDefault() async throws {
        let directory = try TemporaryDirectory()
        let engine = try Self.engine(store: try StateStore(directory: directory.path), firewall: RecordingFirewall(),
                                     events: AsyncStream { $0.finish() }, onBansApplied: { _ in })
        let configuration = CrowdSecConfiguration()
        let services = CrowdSecServices(
            bouncer: try CrowdSecServices.bouncer(configuration, firewall: RecordingFirewall(), engine: engine),
            watcher: try CrowdSecServices.watcher(configuration))
        #expect(services.bouncer == nil && services.watcher == nil && services.services.isEmpty)
        #expect(services.controlValue == .string("disabled"))
    }

    @Test("enabled runs the bouncer, push_enabled the watcher; keys come from files checked like the AMI secret")
    func servicesAndCredentialFiles() async throws {
        let directory = try TemporaryDirectory()
        let engine = try Self.engine(store: try StateStore(directory: directory.path), firewall: RecordingFirewall(),
                                     events: AsyncStream { $0.finish() }, onBansApplied: { _ in })
        let keyFile = directory.file("bouncer.key")
        try Self.write("k3y\n", to: keyFile, mode: 0o600)
        var configuration = CrowdSecConfiguration()
        configuration.enabled = true
        configuration.bouncerAPIKeyFile = keyFile
        let bouncerOnly = CrowdSecServices(
            bouncer: try CrowdSecServices.bouncer(configuration, firewall: RecordingFirewall(), engine: engine),
            watcher: try CrowdSecServices.watcher(configuration))
        #expect(bouncerOnly.bouncer != nil && bouncerOnly.watcher == nil)
        #expect(bouncerOnly.controlValue["watcher"] == .string("disabled"))
        #expect(bouncerOnly.controlValue["bouncer"]?["state"] == .string("starting"))

        configuration.pushEnabled = true
        configuration.machineID = "kobrakai-test"
        configuration.passwordFile = directory.file("machine.password")
        try Self.write("pa55\n", to: directory.file("machine.password"), mode: 0o644)
        let exposed = #expect(throws: DaemonStartupError.self) { try CrowdSecServices.watcher(configuration) }
        #expect(exposed?.exitCode == 78)
        #expect(exposed?.message.contains("crowdsec.password_file \(directory.file("machine.password")) is accessible to other users") == true)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: directory.file("machine.password"))
        #expect(try CrowdSecServices.watcher(configuration) != nil)

        try FileManager.default.setAttributes([.posixPermissions: 0o604], ofItemAtPath: keyFile)
        let keyError = #expect(throws: DaemonStartupError.self) {
            try CrowdSecServices.bouncer(configuration, firewall: RecordingFirewall(), engine: engine)
        }
        #expect(keyError?.message.hasPrefix("crowdsec.bouncer_api_key_file \(keyFile)") == true)
    }

    @Test("policy and operator bans are handed on (with their full duration), restored ones are not")
    func bansAppliedHook() async throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        try await store.recordBans([BanRecord(target: IPPrefix("198.51.100.9")!, expiresAt: Self.now + .seconds(600),
                                              reason: "earlier", origin: "log", createdAt: Self.now)])
        let handed = Mutex<[BanRecord]>([])
        let (events, input) = AsyncStream<SecurityEvent>.makeStream()
        let engine = try Self.engine(store: store, firewall: RecordingFirewall(), events: events,
                                     onBansApplied: { records in handed.withLock { $0 += records } })
        #expect(try await engine.restoreBans() == 1)
        let running = Task { try await engine.run() }
        input.yield(EngineIntegrationTests.highEvent("203.0.113.3"))
        input.yield(EngineIntegrationTests.highEvent("192.0.2.7"))
        input.finish()
        try await running.value
        #expect(try await engine.operatorBan(IPPrefix("203.0.113.0/28")!, duration: .seconds(3600), reason: "manual") == .banned)
        #expect(try await engine.operatorBan(IPPrefix("192.0.2.8")!, duration: .seconds(60), reason: "typo") != .banned)

        let records = handed.withLock { $0 }
        #expect(records.map(\.target.description) == ["203.0.113.3", "203.0.113.0/28"], "no restore, no allowlisted target")
        #expect(records.map(\.origin) == ["log", "operator"])
        #expect(records.last.map { $0.expiresAt.since($0.createdAt) } == .seconds(3600))
    }

    @Test("a ruleset repair calls the repaired handler (the daemon's bouncer resync) after the store's bans are back")
    func repairTriggersResync() async throws {
        let directory = try TemporaryDirectory()
        let firewall = RecordingFirewall()
        let rulesetGuard = RecordingGuard(firewall: firewall)
        let engine = try Self.engine(store: try StateStore(directory: directory.path), firewall: firewall, rulesetGuard: rulesetGuard,
                                     events: AsyncStream { $0.finish() }, onBansApplied: { _ in })
        let resyncs = Mutex(0)
        await engine.addRulesetRepairedHandler {
            #expect(rulesetGuard.restores.withLock { $0.count } == 1, "after the restore")
            resyncs.withLock { $0 += 1 }
        }
        await engine.checkRuleset(trigger: "test: ruleset present")
        #expect(resyncs.withLock { $0 } == 0)
        await engine.repairRuleset(trigger: "test: flushed")
        #expect(resyncs.withLock { $0 } == 1)
    }
}
