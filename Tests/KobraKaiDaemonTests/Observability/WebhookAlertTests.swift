import Foundation
import KobraKaiAddress
import KobraKaiCore
import KobraKaiDaemon
import KobraKaiDaemonTestSupport
import KobraKaiFirewall
import ServiceLifecycleTestKit
import Testing

@Suite("Webhook alerts against a real HTTP receiver on loopback")
struct WebhookAlertTests {
    static let now = Timestamp(secondsSinceEpoch: 1_800_000_000)

    static func ban(_ index: Int, reason: String = "pjsip.request.no-endpoint: 5 events in 60s") -> BanRecord {
        BanRecord(target: IPPrefix("198.51.\(index / 256).\(index % 256)")!, expiresAt: now + .seconds(3600), reason: reason,
                  origin: "log", createdAt: now)
    }

    static func configuration(_ receiver: AlertWebhookReceiver, capacity: Int = 10_000) -> WebhookAlertConfiguration {
        var configuration = WebhookAlertConfiguration(url: receiver.url)
        configuration.headers = [.init(name: "Authorization", value: "Bearer s3cret")]
        configuration.batchWindow = .milliseconds(200)
        configuration.timeout = .seconds(2)
        configuration.queueCapacity = capacity
        return configuration
    }

    @Test("bans arriving together go in one POST: a JSON array with the configured headers")
    func batching() async throws {
        let receiver = try AlertWebhookReceiver()
        let prometheus = PrometheusMetrics()
        let service = WebhookAlertService(configuration: Self.configuration(receiver), host: "pbx1", metrics: prometheus.metrics)
        let running = RunningService(service)
        for index in 0..<50 { service.enqueue([Self.ban(index)]) }
        let requests = await receiver.waitForRequests(1)
        try await Task.sleep(for: .milliseconds(500))
        #expect(receiver.requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.method == "POST" && request.path == "/hook")
        #expect(request.headers["authorization"] == "Bearer s3cret")
        #expect(request.headers["content-type"] == "application/json")
        let body = String(decoding: request.body, as: UTF8.self)
        #expect(body.hasPrefix("[{\"target\":\"198.51.0.0\",\"address\":\"198.51.0.0\",\"reason\":\"pjsip.request.no-endpoint: 5 events in 60s\""))
        #expect(body.contains("\"origin\":\"log\",\"banned_at\":\"2027-01-15T08:00:00Z\",\"expires_at\":\"2027-01-15T09:00:00Z\",\"duration_seconds\":3600,\"host\":\"pbx1\"}"))
        #expect(body.components(separatedBy: "\"target\"").count - 1 == 50)
        let text = String(decoding: prometheus.exposition(), as: UTF8.self)
        #expect(sample(text, #"kobrakai_alerts_sent_total{channel="webhook"}"#) == 50)
        await running.stop()
        receiver.stop()
    }

    @Test("a receiver answering 500 is retried with backoff until it accepts; 4xx is not retried")
    func retries() async throws {
        let receiver = try AlertWebhookReceiver(script: [.status(500), .status(503), .status(200), .status(400)])
        let prometheus = PrometheusMetrics()
        let service = WebhookAlertService(configuration: Self.configuration(receiver), host: "pbx1", metrics: prometheus.metrics,
                                          retryInitial: .milliseconds(100), retryMaximum: .milliseconds(400))
        let running = RunningService(service)
        service.enqueue([Self.ban(1)])
        let requests = await receiver.waitForRequests(3)
        #expect(requests.count == 3)
        #expect(Set(requests.map { String(decoding: $0.body, as: UTF8.self) }).count == 1)  // the same batch each time
        service.enqueue([Self.ban(2)])
        _ = await receiver.waitForRequests(4)
        try await Task.sleep(for: .seconds(1))
        #expect(receiver.requests.count == 4)  // the 400 was final
        let text = String(decoding: prometheus.exposition(), as: UTF8.self)
        #expect(sample(text, #"kobrakai_alerts_sent_total{channel="webhook"}"#) == 1)
        #expect(sample(text, #"kobrakai_alert_failures_total{channel="webhook"}"#) == 1)
        await running.stop()
        receiver.stop()
    }

    @Test("a receiver that hangs never slows banning: the engine bans everything, the full queue drops the oldest")
    func hangingReceiverNeverBlocksTheEngine() async throws {
        let receiver = try AlertWebhookReceiver(otherwise: .hang)
        let prometheus = PrometheusMetrics()
        var configuration = Self.configuration(receiver, capacity: 20)
        configuration.timeout = .seconds(30)
        configuration.maxBatch = 5
        let webhook = WebhookAlertService(configuration: configuration, host: "pbx1", metrics: prometheus.metrics)
        var consumers = BanConsumers()
        consumers.add { webhook.enqueue($0) }
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        let firewall = InMemoryFirewall()
        let (events, input) = AsyncStream<SecurityEvent>.makeStream()
        let engine = BanEngine(events: events, policy: ThresholdPolicy(threshold: 1), firewall: firewall, store: store,
                               allowlist: ProtectedAddresses([]), tick: .zero, onBansApplied: consumers.onBansApplied)
        let running = [RunningService(webhook), RunningService(engine)]
        // First a few bans, so the sender is stuck in a POST that never gets an answer…
        for host in 1...5 { input.yield(BanEngineTests.event("203.0.113.\(host)")) }
        let first = await receiver.waitForRequests(1)
        let inFlight = String(decoding: try #require(first.first).body, as: UTF8.self).components(separatedBy: "\"target\"").count - 1
        // …then a flood: every ban must still reach the firewall promptly.
        for host in 1...200 { input.yield(BanEngineTests.event("198.51.100.\(host)")) }
        let deadline = ContinuousClock.now + .seconds(20)
        while try await firewall.list().count < 205, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try await firewall.list().count == 205)
        #expect(receiver.requests.count == 1)
        #expect(webhook.pending == 20)
        #expect(webhook.droppedTotal == 205 - inFlight - 20)
        receiver.stop()  // the stuck POST fails now; the sender reports the drops
        input.finish()
        for service in running.reversed() { await service.stop() }
        let text = String(decoding: prometheus.exposition(), as: UTF8.self)
        #expect(sample(text, #"kobrakai_alerts_dropped_total{channel="webhook"}"#) == Double(205 - inFlight - 20))
    }

    @Test("graceful shutdown with a hanging receiver returns promptly: one short last try, the rest dropped and logged")
    func shutdownIsBounded() async throws {
        let receiver = try AlertWebhookReceiver(otherwise: .hang)
        var configuration = Self.configuration(receiver)
        configuration.timeout = .seconds(60)
        configuration.batchWindow = .seconds(60)
        configuration.maxBatch = 2
        let service = WebhookAlertService(configuration: configuration, host: "pbx1")
        var elapsed = Duration.zero
        try await testGracefulShutdown { trigger in
            let running = Task { try await service.run() }
            service.enqueue((0..<10).map { Self.ban($0) })
            try await Task.sleep(for: .milliseconds(100))
            let start = ContinuousClock.now
            trigger.triggerGracefulShutdown()
            try await running.value
            elapsed = ContinuousClock.now - start
        }
        #expect(elapsed < .seconds(10), "shutdown took \(elapsed)")
        #expect(receiver.requests.count == 1)
        #expect(service.pending == 0)
        receiver.stop()
    }
}
