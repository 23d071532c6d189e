import KobraKaiAddress
import KobraKaiCore
import KobraKaiCrowdSec
import KobraKaiFirewall
import Logging
import ServiceLifecycle
import UnixSignals

/// `kobrakai run`: assembles the services from the settings and runs them until SIGTERM/SIGINT.
///
/// Start-up order matters for "never lose a ban": state store → policy with its offender history →
/// table and sets checked (re-created when missing) → every unexpired ban restored in one batch → log
/// followers started → control socket listening → READY=1. The executable only picks the firewall
/// (netlink, or in-memory for a dry run) and hands it in.
public struct Daemon: Sendable {
    private let configurationPath: String
    private let settings: DaemonSettings
    private let firewall: any Firewall
    private let rulesetGuard: (any RulesetGuard)?
    private let logger: Logger
    /// Test hook: which control-socket peers are allowed (root only in production).
    public var allowedControlUserIDs: Set<UInt32> = [0]

    public init(configurationPath: String, settings: DaemonSettings, firewall: any Firewall,
                rulesetGuard: (any RulesetGuard)?, logger: Logger = Logger(label: "kobrakai"))
    {
        self.configurationPath = configurationPath
        self.settings = settings
        self.firewall = firewall
        self.rulesetGuard = rulesetGuard
        self.logger = logger
    }

    public func run() async throws {
        let configuration = settings.configuration
        for warning in settings.warnings { logger.warning("\(warning)") }
        let store: StateStore
        do {
            store = try StateStore(directory: configuration.stateDirectory, historyLimits: HistoryLimits(
                retention: configuration.history.retention, maximumEvents: configuration.history.maximumEvents))
        } catch {
            throw DaemonStartupError("state directory \(configuration.stateDirectory) unusable: \(error)", exitCode: 73)
        }
        var policy = try settings.makePolicy()
        let startedAt = Timestamp.wallClock()
        policy.restore(try await store.offenderHistory(now: startedAt), now: startedAt)

        // The AMI client delivers its events on this stream; keep its continuation until shutdown.
        let (amiEvents, amiInput) = AsyncStream<SecurityEvent>.makeStream()
        defer { amiInput.finish() }
        let watcher = try CrowdSecServices.watcher(configuration.crowdsec)
        // Metrics and alerts (both off by default): every firewall call is timed when metrics are on.
        let observability = DaemonObservability(configuration: configuration, logger: logger)
        let firewall = observability.firewall(wrapping: self.firewall)
        var banConsumers = BanConsumers()
        banConsumers.add(watcher.map(CrowdSecServices.pushing(to:)))
        observability.addBanConsumers(to: &banConsumers)
        let engine = BanEngine(events: amiEvents, policy: CorePolicyAdapter(policy: policy), firewall: firewall, store: store,
                               allowlist: settings.protectedAddresses, rulesetGuard: rulesetGuard, tick: .zero,
                               onBansApplied: banConsumers.onBansApplied,
                               logger: Logger(label: "kobrakai.engine"), metrics: observability.metrics)
        let crowdsec = CrowdSecServices(
            bouncer: try CrowdSecServices.bouncer(configuration.crowdsec, firewall: firewall, engine: engine, store: store,
                                              metrics: observability.metrics), watcher: watcher)
        // CrowdSec's bans live only in the kernel and the LAPI: after a repair re-created a flushed ruleset,
        // a full pull brings them back (the store's own bans are restored by the repair itself).
        if let bouncer = crowdsec.bouncer { await engine.addRulesetRepairedHandler { bouncer.resync() } }
        // An unbanned address we pushed must also leave the LAPI, or the fleet (and our next full pull) keeps it.
        if let watcher { await engine.setOnBansLifted(CrowdSecServices.deleting(from: watcher)) }
        // APIBAN and the blocklists ban straight into the firewall too: after a repair they import again.
        let feeds = try FeedServices.make(configuration, firewall: firewall, store: store, engine: engine)
        if !feeds.services.isEmpty { await engine.addRulesetRepairedHandler { feeds.rulesetRepaired() } }
        let restored = try await restore(engine)

        let patterns = CustomPatternsBox(configuration.customRuleMatcher)
        let health = SourceHealthBoard(sources: configuration.logSources)
        var sourceServices: [any Service] = []
        for source in configuration.logSources {
            sourceServices.append(LogSourceService(
                source: source, savedPosition: try? await store.storedPosition(for: source.path), engine: engine,
                patterns: patterns, health: health, logger: Logger(label: "kobrakai.source"), metrics: observability.metrics))
        }
        let ami = try Self.amiClient(configuration.ami, onHealthChange: observability.amiHealthObserver, deliver: { amiInput.yield($0) })
        if let ami { sourceServices.append(ami) }
        observability.watchSources(logs: health, ami: ami, crowdsec: crowdsec, feeds: feeds)
        let notifier = SystemdNotifier.fromEnvironment()
        let reloader = DaemonReloader(configurationPath: configurationPath, engine: engine, patterns: patterns,
                                      logSources: configuration.logSources, ami: ami, crowdsec: configuration.crowdsec,
                                      crowdsecServices: crowdsec, feeds: feeds, apiban: configuration.apiban,
                                      metrics: configuration.metrics, alerts: configuration.alerts)
        let handler = EngineControlHandler(
            engine: engine, defaultBanDuration: configuration.policy.banTime.base, startedAt: startedAt,
            extraStatus: {
                ["sources": .array(health.snapshot.map(Self.json)), "ami": ami?.health.controlValue ?? .string("disabled"),
                 "crowdsec": crowdsec.controlValue].merging(feeds.controlValues) { first, _ in first }
            },
            reload: { try await reloader.reload() })
        let readyStatus = "following \(configuration.logSources.count) log(s), \(restored) ban(s) restored"
        let logger = self.logger
        let control = ControlServer(
            configuration: ControlServerConfiguration(path: configuration.controlSocket, allowedUserIDs: allowedControlUserIDs),
            handler: handler, logger: Logger(label: "kobrakai.control"),
            onListening: {
                try? notifier.ready(status: readyStatus)
                logger.notice("ready", metadata: ["status": "\(readyStatus)"])
            })
        // Alert services first, then the CrowdSec watcher, then the engine: shutdown runs in reverse, so they
        // stop after the engine's last flush and deliver its bans; the bouncer starts after the engine's
        // restore (see CrowdSecServices.arranged).
        var services: [any Service] = observability.alertServices
        services += crowdsec.arranged(
            engine: engine,
            then: [StatePruningService(store: store, offenderRetention: configuration.policy.banTime.history), control] + sourceServices)
        services += feeds.services
        services.append(await ReloadService.onHangup(notifier: notifier, reload: { try await reloader.reload() }))
        if let rulesetGuard { services.append(RulesetWatchService(rulesetGuard: rulesetGuard, engine: engine)) }
        // Each watchdog tick (WatchdogSec/2) also checks the table and sets: without change notifications
        // this bounds how long a flushed ruleset stays unnoticed when no new ban comes to reveal it.
        // It also refreshes the one-line STATUS `systemctl status kobrakai` shows.
        services.append(WatchdogService(notifier: notifier, isHealthy: {
            await engine.checkRuleset(trigger: "watchdog check")
            let statistics = await engine.statistics
            let failed = health.snapshot.filter { $0.state != "following" }.count
            try? notifier.status("\(statistics.bansApplied) ban(s) applied, \(statistics.eventsObserved) event(s), "
                                 + "\(configuration.logSources.count - failed)/\(configuration.logSources.count) log(s) followed")
            return true
        }))
        if let metricsServer = await observability.metricsServer(firewall: firewall) { services.append(metricsServer) }

        // Shutdown runs in reverse order: watchdog (STOPPING=1), reload, bouncer, followers, control socket, then
        // the engine, so every batch the followers handed over is flushed and recorded, then the watcher.
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.notice("stopped")
    }

    /// The AMI client when `ami.enabled`; its events go to the engine's stream.
    static func amiClient(
        _ configuration: AMIConfiguration, onHealthChange: (@Sendable (AMIClientHealth) -> Void)? = nil,
        deliver: @escaping @Sendable (SecurityEvent) -> Void
    ) throws(DaemonStartupError) -> AMIClientService? {
        guard configuration.enabled else { return nil }
        do {
            return try AMIClientService(settings: try AMIClientSettings.load(configuration), logger: Logger(label: "kobrakai.ami"),
                                        onHealthChange: onHealthChange, deliver: deliver)
        } catch let error as AMISettingsError {
            throw .configuration("\(error)")
        } catch {
            throw DaemonStartupError("AMI client: \(error)", exitCode: 71)
        }
    }

    /// Checks the table and sets, re-creating them when missing (or failing with the operator's fix), then
    /// puts every unexpired ban back in one batch.
    private func restore(_ engine: BanEngine) async throws(DaemonStartupError) -> Int {
        var missing = false
        do {
            try await firewall.verify()
        } catch where error.code == .rulesetMissing {
            guard rulesetGuard != nil else {
                throw DaemonStartupError("\(error.message); load it with: nft -f /etc/nftables.d/kobrakai.nft", exitCode: 69)
            }
            logger.warning("table inet kobrakai missing: creating it")
            missing = true
        } catch where error.code == .permissionDenied {
            throw DaemonStartupError("\(error.message) (needs root or CAP_NET_ADMIN)", exitCode: 77)
        } catch {
            throw DaemonStartupError("firewall unavailable: \(error.message)", exitCode: 69)
        }
        do {
            return try await engine.restoreBans(reinstallingRuleset: missing)
        } catch {
            throw DaemonStartupError("restoring bans failed: \(error)", exitCode: 69)
        }
    }

    private static func json(_ entry: SourceHealthBoard.Entry) -> ControlValue {
        .object([
            "path": .string(entry.path), "format": .string(entry.format), "state": .string(entry.state),
            "lines": .integer(Int64(entry.lines)), "events": .integer(Int64(entry.events)),
            "malformed": .integer(Int64(entry.malformed)), "injections_suspected": .integer(Int64(entry.injectionsSuspected)),
            "last_line_at_ms": entry.lastLineAt.map { .integer($0.millisecondsSinceEpoch) } ?? .null,
        ])
    }
}
