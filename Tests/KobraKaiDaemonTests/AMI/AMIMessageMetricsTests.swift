import KobraKaiDaemon
import KobraKaiDaemonTestSupport
import Testing

/// `kobrakai_lines_read_total{source="ami"}`: the AMI messages the client read, as a log source's lines.
@Suite("AMI messages read")
struct AMIMessageMetricsTests {
    @Test("every message from the manager is counted, malformed ones included, and becomes lines_read{source=ami}")
    func messagesCounted() async throws {
        let bed = try AMITestBed(sendsFullyBooted: false)
        let running = RunningService(bed.client)
        try await bed.waitForLogins(1)
        #expect(bed.client.health.messagesRead == 1, "the Login response")

        bed.peer.send(AMIClientServiceTests.event("198.51.100.5", account: "x\r\nnot a header"))  // skipped, still read
        bed.peer.send(AMIClientServiceTests.event("198.51.100.6"))
        bed.peer.send(AMIClientServiceTests.event("198.51.100.7"))
        _ = try await bed.waitForEvents(2)
        #expect(bed.client.health.messagesRead == 4)
        #expect(bed.client.health.framingErrors == 1)
        await running.stop()
        await bed.finish()

        // The daemon's observer sees every health snapshot and counts the growth.
        let prometheus = PrometheusMetrics()
        let observer = AMIMetricsObserver(metrics: prometheus.metrics)
        for snapshot in bed.health.items { observer.observe(snapshot) }
        let text = String(decoding: prometheus.exposition(), as: UTF8.self)
        #expect(sample(text, #"kobrakai_lines_read_total{source="ami"}"#) == 4)
        #expect(sample(text, #"kobrakai_parse_errors_total{source="ami"}"#) == 1)
    }
}
