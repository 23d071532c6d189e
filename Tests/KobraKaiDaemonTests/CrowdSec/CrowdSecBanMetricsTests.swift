import KobraKaiAddress
import KobraKaiCore
import KobraKaiCrowdSec
import KobraKaiDaemon
import KobraKaiDaemonTestSupport
import KobraKaiFirewall
import KobraKaiHTTPTestSupport
import Testing

/// `kobrakai_bans_total{reason="crowdsec",origin="crowdsec"}`: the bouncer the daemon builds counts the bans
/// it applies, once each, whatever the decisions' scenarios are.
@Suite("CrowdSec bouncer bans in kobrakai_bans_total", .timeLimit(.minutes(1)))
struct CrowdSecBanMetricsTests {
    static let series = #"kobrakai_bans_total{reason="crowdsec",origin="crowdsec"}"#

    /// Every pull answers the same list: two bans (an address, a range), one allowlisted address and a captcha.
    static let stream = #"""
    {"new":[
     {"id":1,"origin":"crowdsec","type":"ban","scope":"Ip","value":"198.51.100.1","duration":"3h59m0s","scenario":"crowdsecurity/ssh-bf"},
     {"id":2,"origin":"lists","type":"ban","scope":"Range","value":"203.0.113.0/24","duration":"23h0m0s","scenario":"attacker \"text\" {x}"},
     {"id":3,"origin":"cscli","type":"ban","scope":"Ip","value":"192.0.2.5","duration":"1h0m0s","scenario":"manual"},
     {"id":4,"origin":"crowdsec","type":"captcha","scope":"Ip","value":"198.51.100.4","duration":"1h0m0s","scenario":"http"}],
     "deleted":null}
    """#

    @Test("applied bans are counted with bounded labels, not again by later (full) pulls; allowlisted ones are not")
    func countsAppliedBans() async throws {
        let lapi = try LoopbackHTTPServer { _ in .json(200, Self.stream) }
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        let engine = try CrowdSecWiringTests.engine(store: store, firewall: RecordingFirewall(),
                                                    events: AsyncStream { $0.finish() }, onBansApplied: { _ in })
        var configuration = CrowdSecConfiguration()
        configuration.enabled = true
        configuration.bouncerAPIKey = "test-key"
        configuration.pullInterval = .milliseconds(50)
        configuration.fullPullInterval = .milliseconds(150)
        let prometheus = PrometheusMetrics()
        let firewall = InMemoryFirewall()
        let bouncer = try #require(try CrowdSecServices.bouncer(
            configuration, firewall: firewall, engine: engine, store: store,
            client: LocalAPIClient(baseURL: lapi.baseURL, timeout: .seconds(5)), metrics: prometheus.metrics))
        let service = Task { try await bouncer.run() }
        defer { service.cancel() }

        var text: String { String(decoding: prometheus.exposition(), as: UTF8.self) }
        let deadline = ContinuousClock.now + .seconds(10)
        while sample(text, Self.series) != 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(sample(text, Self.series) == 2)
        // Several delta and full pulls later, still two: nothing is counted twice.
        var fullPulls: Int { lapi.requests.filter { $0.path.contains("startup=true") }.count }
        while fullPulls < 3, ContinuousClock.now < deadline + .seconds(10) { try await Task.sleep(for: .milliseconds(20)) }
        #expect(fullPulls >= 3)
        #expect(sample(text, Self.series) == 2)
        #expect(!text.contains("ssh-bf") && !text.contains("attacker"), "scenarios never become labels")
        #expect(try await firewall.list().count == 2)
    }
}
