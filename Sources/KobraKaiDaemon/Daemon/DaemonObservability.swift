#if canImport(Glibc)
import Glibc
#endif
import KobraKaiCore
import KobraKaiCrowdSec
import KobraKaiFirewall
import Logging
import ServiceLifecycle

/// What `kobrakai run` adds for observability, assembled from the `metrics` and `alerts` sections: the
/// Prometheus backend and endpoint, the timing firewall decorator, and the webhook and e-mail alert
/// services with their feeds (new bans, source health). With both sections off it adds nothing and the
/// instrumented components record into the no-op backend.
struct DaemonObservability {
    let prometheus: PrometheusMetrics?
    let webhook: WebhookAlertService?
    let email: EmailAlertService?
    let probes = AlertSourceProbes()
    private let configuration: Configuration
    private let logger: Logger

    var metrics: DaemonMetrics { prometheus?.metrics ?? .disabled }

    init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        if configuration.metrics.enabled {
            let prometheus = PrometheusMetrics()
            prometheus.bootstrapOnce()
            self.prometheus = prometheus
        } else {
            prometheus = nil
        }
        let metrics = prometheus?.metrics ?? .disabled
        let host = Self.hostName()
        webhook = configuration.alerts.webhook.map {
            WebhookAlertService(configuration: $0, host: host, metrics: metrics, logger: Logger(label: "kobrakai.alerts.webhook"))
        }
        let probes = self.probes
        email = configuration.alerts.email.map {
            EmailAlertService(configuration: $0, host: host, sourceHealth: { probes.statuses() }, metrics: metrics,
                              logger: Logger(label: "kobrakai.alerts.email"))
        }
    }

    /// Turns the AMI client's health changes into its metrics (nil with metrics off).
    var amiHealthObserver: (@Sendable (AMIClientHealth) -> Void)? {
        guard let prometheus, configuration.ami.enabled else { return nil }
        let observer = AMIMetricsObserver(metrics: prometheus.metrics)
        return { observer.observe($0) }
    }

    /// The firewall every component uses: timed when metrics are on.
    func firewall(wrapping firewall: any Firewall) -> any Firewall {
        prometheus == nil ? firewall : TimedFirewall(wrapping: firewall, metrics: metrics)
    }

    func addBanConsumers(to consumers: inout BanConsumers) {
        if let webhook { consumers.add { webhook.enqueue($0) } }
        if let email { consumers.add { email.enqueue($0) } }
    }

    /// Registers the sources whose failures the e-mail warning reports.
    func watchSources(logs: SourceHealthBoard, ami: AMIClientService?, crowdsec: CrowdSecServices, feeds: FeedServices? = nil) {
        probes.add {
            logs.snapshot.map { entry in
                AlertSourceStatus(name: "log \(entry.path)", failure: entry.state.hasPrefix("failed") ? entry.state : nil)
            }
        }
        if let ami {
            probes.add {
                let health = ami.health
                let failing = health.state != .loggedIn && health.state != .stopped && health.lastError != nil
                return [AlertSourceStatus(name: "ami \(health.endpoint)", failure: failing ? "\(health.state.rawValue): \(health.lastError ?? "")" : nil)]
            }
        }
        if let bouncer = crowdsec.bouncer {
            probes.add { let health = bouncer.health; return [Self.status("crowdsec bouncer", health.consecutiveFailures, health.lastError)] }
        }
        if let watcher = crowdsec.watcher {
            probes.add { let health = watcher.health; return [Self.status("crowdsec watcher", health.consecutiveFailures, health.lastError)] }
        }
        if let apiban = feeds?.apiban {
            probes.add { let health = apiban.health; return [Self.status("apiban", health.consecutiveFailures, health.lastError)] }
        }
        if let blocklists = feeds?.blocklists {
            probes.add { blocklists.health.map { Self.status("blocklist \($0.path)", $0.feed.consecutiveFailures, $0.feed.lastError) } }
        }
    }

    /// CrowdSec's and the feeds' health types differ but report failures the same way.
    private static func status(_ name: String, _ failures: Int, _ lastError: String?) -> AlertSourceStatus {
        AlertSourceStatus(name: name, failure: failures > 0 ? "\(failures) consecutive failure(s): \(lastError ?? "")" : nil)
    }

    /// Alert services: listed BEFORE the engine, so they stop after it (the engine's last flush is alerted).
    var alertServices: [any Service] { [webhook as (any Service)?, email].compactMap { $0 } }

    /// The endpoint, bound now. A port in use is logged, not fatal: losing the dashboards must not leave
    /// the PBX unprotected after a reboot.
    func metricsServer(firewall: any Firewall) async -> MetricsHTTPServer? {
        guard let prometheus else { return nil }
        let settings = configuration.metrics
        let gauge = KernelBanGauge(firewall: firewall, metrics: prometheus.metrics)
        let logger = self.logger
        do {
            let server = try await MetricsHTTPServer.bind(
                host: settings.address.description, port: settings.port,
                exposition: {
                    if let error = await gauge.refreshIfStale() {
                        logger.warning("metrics: could not read the ban sets", metadata: ["error": "\(error)"])
                    }
                    return prometheus.exposition()
                }, logger: Logger(label: "kobrakai.metrics"))
            logger.notice("metrics at http://\(Self.hostPort(settings))/metrics")
            return server
        } catch {
            logger.error("metrics endpoint disabled: cannot listen on \(Self.hostPort(settings)): \(error)")
            return nil
        }
    }

    private static func hostPort(_ settings: MetricsConfiguration) -> String {
        settings.address.isIPv4 ? "\(settings.address):\(settings.port)" : "[\(settings.address)]:\(settings.port)"
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }
}
