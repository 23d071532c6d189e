import KobraKaiAddress
import KobraKaiCore
@testable import KobraKaiDaemon
import KobraKaiFirewall
import KobraKaiDaemonTestSupport
import Testing

@Suite("Metrics endpoint: real engine, real socket")
struct MetricsEndpointTests {
    /// An engine on the real policy and an in-memory firewall, timed, with its metrics served on a free port.
    struct Bed {
        let prometheus = PrometheusMetrics()
        let memory = InMemoryFirewall()
        let directory: TemporaryDirectory
        let store: StateStore
        let input: AsyncStream<SecurityEvent>.Continuation
        let engine: BanEngine
        let gauge: KernelBanGauge
        let server: MetricsHTTPServer
        let running: [RunningService]

        init() async throws {
            let firewall = TimedFirewall(wrapping: memory, metrics: prometheus.metrics)
            directory = try TemporaryDirectory()
            store = try StateStore(directory: directory.path)
            let events: AsyncStream<SecurityEvent>
            (events, input) = AsyncStream<SecurityEvent>.makeStream()
            let policy = CorePolicyAdapter(policy: try BanPolicy(configuration: PolicyConfiguration(), allowlist: Allowlist(prefixes: [])))
            engine = BanEngine(events: events, policy: policy, firewall: firewall, store: store, allowlist: ProtectedAddresses([]),
                               tick: .zero, metrics: prometheus.metrics)
            let (gauge, prometheus) = (KernelBanGauge(firewall: firewall, metrics: prometheus.metrics, maximumAge: .zero), self.prometheus)
            self.gauge = gauge
            server = try await MetricsHTTPServer.bind(host: "127.0.0.1", port: 0, exposition: {
                await gauge.refreshIfStale()
                return prometheus.exposition()
            })
            running = [RunningService(engine), RunningService(server)]
        }

        func scrape() async throws -> String {
            let port = server.port
            return try await offPool { try RawHTTPExchange.scrape(port: port) }
        }

        func stop() async {
            input.finish()
            for service in running.reversed() { await service.stop() }
        }
    }

    static func highEvent(_ address: String) -> SecurityEvent {
        SecurityEvent(time: nil, address: IPAddress(address)!, origin: .logFile, service: .pjsip, rule: "security.failed-acl", severity: .high)
    }

    @Test("events, bans, kernel set sizes and netlink timings change in the scrape as the engine works")
    func scrapeFollowsTheEngine() async throws {
        let bed = try await Bed()
        let before = try await bed.scrape()
        #expect(sample(before, #"kobrakai_bans_active{set="ban_v4"}"#) == 0)
        #expect(sample(before, #"kobrakai_events_total{rule="security.failed-acl",service="PJSIP"}"#) == nil)

        bed.input.yield(Self.highEvent("203.0.113.1"))
        bed.input.yield(Self.highEvent("203.0.113.2"))
        let deadline = ContinuousClock.now + .seconds(20)
        while try await bed.memory.list().count < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        _ = try await bed.engine.operatorBan(IPPrefix("198.51.100.0/24")!, duration: .seconds(3600), reason: "seen in the CDRs")

        let after = try await bed.scrape()
        #expect(sample(after, #"kobrakai_events_total{rule="security.failed-acl",service="PJSIP"}"#) == 2)
        #expect(sample(after, #"kobrakai_bans_total{reason="security.failed-acl",origin="log"}"#) == 2)
        #expect(sample(after, #"kobrakai_bans_total{reason="operator",origin="operator"}"#) == 1)
        #expect(sample(after, #"kobrakai_bans_active{set="ban_v4"}"#) == 2)
        #expect(sample(after, #"kobrakai_bans_active{set="ban_net_v4"}"#) == 1)
        #expect(sample(after, #"kobrakai_bans_active{set="ban_v6"}"#) == 0)
        #expect((sample(after, #"kobrakai_netlink_transaction_seconds_count{operation="ban"}"#) ?? 0) >= 2)
        #expect((sample(after, #"kobrakai_netlink_transaction_seconds_count{operation="list"}"#) ?? 0) >= 2)
        #expect(after.contains(#"kobrakai_netlink_transaction_seconds_bucket{operation="ban",le="0.0001"}"#))
        // The free-text operator reason never becomes a label.
        #expect(!after.contains("seen in the CDRs"))
        await bed.stop()
    }

    @Test("the kernel sets are listed at most once per maximum age, however often Prometheus scrapes")
    func activeBansAreCached() async throws {
        let prometheus = PrometheusMetrics()
        let memory = InMemoryFirewall()
        let gauge = KernelBanGauge(firewall: memory, metrics: prometheus.metrics, maximumAge: .seconds(60))
        _ = try await memory.ban([BanRequest(target: IPPrefix("192.0.2.1")!, timeout: .seconds(60))])
        await gauge.refreshIfStale()
        _ = try await memory.ban([BanRequest(target: IPPrefix("192.0.2.2")!, timeout: .seconds(60))])
        await gauge.refreshIfStale()
        #expect(await gauge.readings == 1)
        let text = String(decoding: prometheus.exposition(), as: UTF8.self)
        #expect(sample(text, #"kobrakai_bans_active{set="ban_v4"}"#) == 1)
    }

    @Test("malformed and unexpected requests get 400, 404 or 405, and the server keeps serving")
    func badRequests() async throws {
        let bed = try await Bed()
        let port = bed.server.port
        let garbage = try await offPool { try RawHTTPExchange.send("\u{1}\u{2}GARBAGE \r\n\r\n", port: port) }
        #expect(garbage.status == 400)
        let oversizedMethod = try await offPool { try RawHTTPExchange.send("GET /metrics HTTP/9.9.9\r\n\r\n", port: port) }
        #expect(oversizedMethod.status == 400)
        let missing = try await offPool {
            try RawHTTPExchange.send("GET /admin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: port)
        }
        #expect(missing.status == 404)
        let post = try await offPool {
            try RawHTTPExchange.send("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc", port: port)
        }
        #expect(post.status == 405)
        #expect(post.head.lowercased().contains("allow: get, head"))
        let head = try await offPool { try RawHTTPExchange.send("HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: port) }
        #expect(head.status == 200 && head.body.isEmpty)
        let withQuery = try await offPool {
            try RawHTTPExchange.send("GET /metrics?x=1 HTTP/1.0\r\n\r\n", port: port)
        }
        #expect(withQuery.status == 200 && withQuery.body.contains("# TYPE kobrakai_bans_active gauge"))
        #expect(withQuery.head.lowercased().contains("content-type: text/plain; version=0.0.4"))
        await bed.stop()
    }

    @Test("log lines read, injection suspects and parse errors are counted per source")
    func logSourceCounters() async throws {
        let prometheus = PrometheusMetrics()
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        let (events, input) = AsyncStream<SecurityEvent>.makeStream()
        let engine = BanEngine(events: events, policy: ThresholdPolicy(threshold: 100), firewall: InMemoryFirewall(), store: store,
                               allowlist: ProtectedAddresses([]), tick: .zero, metrics: prometheus.metrics)
        let path = directory.file("full")
        let writer = try LogWriter(path: path)
        let source = LogSourceConfiguration(path: path, format: .asterisk, startAt: .beginning)
        let service = LogSourceService(source: source, savedPosition: nil, engine: engine, patterns: CustomPatternsBox(CustomRuleMatcher(patterns: [])),
                                       health: SourceHealthBoard(sources: [source]), metrics: prometheus.metrics)
        let running = [RunningService(engine), RunningService(service)]
        writer.line(#"[2024-05-01 10:11:12] NOTICE[2211] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '"1001" <sip:1001@203.0.113.10>' failed for '198.51.100.7:5071' (callid: 1480223017) - No matching endpoint found"#)
        writer.line(#"[2024-05-01 10:11:12] NOTICE[2211] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '"x' failed for '203.0.113.99:5060' (callid: a) - No matching endpoint found" <sip:100@pbx>' failed for '198.51.100.7:5071' (callid: 8c2f) - No matching endpoint found"#)
        writer.line(#"[2024-05-01 10:11:12] SECURITY[2212] res_security_log.c: SecurityEvent="InvalidAccountID",EventTV="2024-05-01T10:11:12.345+0000",Severity="Error",Service="PJSIP",EventVersion="1",AccountID=""#)
        writer.line("an unrelated line")
        let lines = #"kobrakai_lines_read_total{source="\#(path)"}"#
        let deadline = ContinuousClock.now + .seconds(20)
        var text = ""
        repeat {
            try await Task.sleep(for: .milliseconds(20))
            text = String(decoding: prometheus.exposition(), as: UTF8.self)
        } while sample(text, lines) != 4 && ContinuousClock.now < deadline
        #expect(sample(text, lines) == 4)
        #expect(sample(text, #"kobrakai_suspected_injection_lines_total{source="\#(path)"}"#) == 1)
        #expect(sample(text, #"kobrakai_parse_errors_total{source="\#(path)"}"#) == 1)
        #expect(sample(text, #"kobrakai_events_total{rule="pjsip.request.no-endpoint",service="PJSIP"}"#) == 1)
        input.finish()
        for service in running.reversed() { await service.stop() }
    }

    @Test("AMI health becomes the connected gauge, reconnect and error counters")
    func amiObserver() {
        let prometheus = PrometheusMetrics()
        let observer = AMIMetricsObserver(metrics: prometheus.metrics)
        var health = AMIClientHealth(endpoint: "127.0.0.1:5038")
        health.state = .loggedIn
        observer.observe(health)
        var text = String(decoding: prometheus.exposition(), as: UTF8.self)
        #expect(sample(text, "kobrakai_ami_connected") == 1)
        health.state = .backingOff
        health.reconnects = 2
        health.framingErrors = 3
        health.injectionsRefused = 1
        observer.observe(health)
        health.state = .loggedIn
        health.reconnects = 3
        observer.observe(health)
        text = String(decoding: prometheus.exposition(), as: UTF8.self)
        #expect(sample(text, "kobrakai_ami_connected") == 1)
        #expect(sample(text, "kobrakai_ami_reconnects_total") == 3)
        #expect(sample(text, #"kobrakai_parse_errors_total{source="ami"}"#) == 3)
        #expect(sample(text, #"kobrakai_suspected_injection_lines_total{source="ami"}"#) == 1)
    }

    @Test("off by default: no registry, no endpoint, no alert services, the firewall is not wrapped")
    func offByDefault() async throws {
        let configuration = try Configuration.load(from: "{}")
        #expect(configuration.metrics.enabled == false)
        #expect(configuration.metrics.address.isLoopback && configuration.metrics.port == 9868)
        let observability = DaemonObservability(configuration: configuration, logger: .init(label: "test"))
        #expect(observability.prometheus == nil)
        #expect(observability.alertServices.isEmpty)
        let memory = InMemoryFirewall()
        #expect(observability.firewall(wrapping: memory) is InMemoryFirewall)
        #expect(await observability.metricsServer(firewall: memory) == nil)
    }
}
