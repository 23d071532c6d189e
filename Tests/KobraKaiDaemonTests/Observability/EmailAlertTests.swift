import Foundation
import KobraKaiAddress
import KobraKaiCore
import KobraKaiFirewall
@testable import KobraKaiDaemon
import Synchronization
import KobraKaiDaemonTestSupport
import Testing

@Suite("E-mail alerts through a fake sendmail executable")
struct EmailAlertTests {
    static let start = Timestamp(secondsSinceEpoch: 1_800_000_000)

    static func ban(_ address: String, reason: String, origin: String = "log") -> BanRecord {
        BanRecord(target: IPPrefix(address)!, expiresAt: start + .seconds(3600), reason: reason, origin: origin, createdAt: start)
    }

    static func service(
        _ sendmail: FakeSendmail, host: String = "pbx1", prometheus: PrometheusMetrics = PrometheusMetrics(),
        sources: @escaping @Sendable () -> [AlertSourceStatus] = { [] }
    ) -> EmailAlertService {
        var configuration = EmailAlertConfiguration(to: ["ops@example.com", "noc@example.net"])
        configuration.from = "kobrakai@pbx1.example.com"
        configuration.sendmailPath = sendmail.path
        return EmailAlertService(configuration: configuration, host: host, sourceHealth: { sources() }, metrics: prometheus.metrics,
                                 now: { Self.start })
    }

    @Test("a digest names the count, top reasons and origins and every target; sendmail gets -t -oi and a minimal environment")
    func digest() async throws {
        let sendmail = try FakeSendmail()
        let prometheus = PrometheusMetrics()
        let service = Self.service(sendmail, prometheus: prometheus)
        service.enqueue([Self.ban("203.0.113.7", reason: "pjsip.request.no-endpoint: 5 events in 60s"),
                         Self.ban("203.0.113.8", reason: "pjsip.request.no-endpoint: 5 events in 60s")])
        service.enqueue([Self.ban("198.51.100.0/24", reason: "typed by hand", origin: "operator")])
        await service.tick(now: Self.start + .seconds(30))
        let mail = try #require(sendmail.messages.first)
        #expect(sendmail.messages.count == 1)
        #expect(sendmail.arguments(0) == [sendmail.path, "-t", "-oi"])
        let environment = sendmail.environment(0)
        #expect(environment.contains("PATH=/usr/sbin:/usr/bin:/sbin:/bin"))
        #expect(!environment.contains { $0.hasPrefix("HOME=") || $0.hasPrefix("USER=") })
        #expect(mail.contains("From: kobrakai@pbx1.example.com\nTo: ops@example.com, noc@example.net\nSubject: [kobrakai pbx1] 3 ban(s) on pbx1\n"))
        #expect(mail.contains("Auto-Submitted: auto-generated\n"))
        #expect(mail.contains("Top reasons:\n  2\tpjsip.request.no-endpoint\n  1\toperator\n"))
        #expect(mail.contains("By origin:\n  2\tlog\n  1\toperator\n"))
        #expect(mail.contains("  203.0.113.7  log  2027-01-15T09:00:00Z  pjsip.request.no-endpoint: 5 events in 60s\n"))
        #expect(mail.contains("  198.51.100.0/24  operator"))
        let text = String(decoding: prometheus.exposition(), as: UTF8.self)
        #expect(sample(text, #"kobrakai_alerts_sent_total{channel="email"}"#) == 1)
    }

    @Test("at most one digest per interval; none when nothing was banned")
    func digestRateLimit() async throws {
        let sendmail = try FakeSendmail()
        let service = Self.service(sendmail)
        await service.tick(now: Self.start)
        #expect(sendmail.messages.isEmpty)
        service.enqueue([Self.ban("203.0.113.7", reason: "security.failed-acl: high severity, first event")])
        await service.tick(now: Self.start + .seconds(1))
        #expect(sendmail.messages.count == 1)
        service.enqueue([Self.ban("203.0.113.9", reason: "security.failed-acl: high severity, first event")])
        await service.tick(now: Self.start + .seconds(600))
        #expect(sendmail.messages.count == 1)
        await service.tick(now: Self.start + .seconds(3601))
        #expect(sendmail.messages.count == 2)
        let second = sendmail.messages[1]
        #expect(second.contains("203.0.113.9  ") && !second.contains("203.0.113.7  "))
    }

    @Test("CR/LF in any header value cannot add a header or a recipient")
    func headerSanitising() async throws {
        let sendmail = try FakeSendmail()
        let service = Self.service(sendmail, host: "pbx1\r\nBcc: attacker@example.org\r\n\r\nfake body")
        service.enqueue([Self.ban("203.0.113.7", reason: "r\r\nX-Evil: 1")])
        await service.tick(now: Self.start)
        let mail = try #require(sendmail.messages.first)
        let headers = mail.components(separatedBy: "\n\n")[0].split(separator: "\n")
        #expect(headers.map { $0.split(separator: ":")[0] } == ["From", "To", "Subject", "Date", "MIME-Version", "Content-Type",
                                                                  "Content-Transfer-Encoding", "Auto-Submitted"])
        #expect(!mail.contains("\nBcc:") && !mail.contains("\nX-Evil:") && !mail.contains("\r"))
        #expect(MailMessage.headerSafe("a\rb\nc\u{0}d\u{85}e") == "a b c d e")
    }

    @Test("a source failing longer than the grace period is reported once per warning interval")
    func failureWarning() async throws {
        let sendmail = try FakeSendmail()
        let failing = Mutex<String?>("connection refused")
        let service = Self.service(sendmail, sources: {
            [AlertSourceStatus(name: "log /var/log/asterisk/full", failure: nil),
             AlertSourceStatus(name: "crowdsec bouncer", failure: failing.withLock { $0 })]
        })
        await service.tick(now: Self.start)
        await service.tick(now: Self.start + .seconds(240))
        #expect(sendmail.messages.isEmpty)  // within the 5-minute grace
        await service.tick(now: Self.start + .seconds(301))
        #expect(sendmail.messages.count == 1)
        let warning = try #require(sendmail.messages.first)
        #expect(warning.contains("Subject: [kobrakai pbx1] source(s) failing on pbx1: crowdsec bouncer\n"))
        #expect(warning.contains("crowdsec bouncer\n  failing since 2027-01-15T08:00:00Z (UTC)\n  connection refused\n"))
        #expect(!warning.contains("asterisk/full"))
        await service.tick(now: Self.start + .seconds(3600))
        #expect(sendmail.messages.count == 1)  // rate-limited (6 h)
        await service.tick(now: Self.start + .seconds(301 + 6 * 3600))
        #expect(sendmail.messages.count == 2)
        // Recovery forgets the failure; a new one waits out the grace period again.
        failing.withLock { $0 = nil }
        await service.tick(now: Self.start + .seconds(30_000))
        failing.withLock { $0 = "HTTP 403" }
        await service.tick(now: Self.start + .seconds(60_000))
        await service.tick(now: Self.start + .seconds(60_100))
        #expect(sendmail.messages.count == 2)
        await service.tick(now: Self.start + .seconds(60_301))
        #expect(sendmail.messages.count == 3)
    }

    @Test("a failing or missing sendmail is counted and logged, and the daemon carries on")
    func sendmailFailure() async throws {
        let sendmail = try FakeSendmail(status: 75, complaint: "sendmail: fatal: queue file write error")
        let prometheus = PrometheusMetrics()
        let service = Self.service(sendmail, prometheus: prometheus)
        service.enqueue([Self.ban("203.0.113.7", reason: "x: y")])
        await service.tick(now: Self.start)
        #expect(sendmail.messages.count == 1)
        do {
            try SendmailProcess.send(Array("Subject: x\n\nbody\n".utf8), sendmailPath: sendmail.path)
            Issue.record("exit status 75 must fail")
        } catch {
            #expect(error.description.contains("exited with status 75: sendmail: fatal: queue file write error"))
        }
        do {
            try SendmailProcess.send([], sendmailPath: "/nonexistent/sendmail")
            Issue.record("a missing program must fail")
        } catch {
            #expect(error.description.contains("cannot start /nonexistent/sendmail"))
        }
        let text = String(decoding: prometheus.exposition(), as: UTF8.self)
        #expect(sample(text, #"kobrakai_alert_failures_total{channel="email"}"#) == 1)
    }

    @Test("the daemon's probes report a log that could not be followed as failing, and a following one as healthy")
    func daemonSourceProbes() async throws {
        let directory = try TemporaryDirectory()
        let good = LogSourceConfiguration(path: directory.file("full"), format: .asterisk)
        let missing = LogSourceConfiguration(path: directory.file("no-such-dir/full"), format: .asterisk)
        let board = SourceHealthBoard(sources: [good, missing])
        board.update(good.path) { $0.state = "following" }
        board.update(missing.path) { $0.state = "failed: directory missing" }
        var configuration = try Configuration.load(from: "{}")
        configuration.alerts.email = EmailAlertConfiguration(to: ["ops@example.com"])
        let observability = DaemonObservability(configuration: configuration, logger: .init(label: "test"))
        observability.watchSources(logs: board, ami: nil, crowdsec: CrowdSecServices(bouncer: nil, watcher: nil))
        #expect(observability.probes.statuses() == [
            AlertSourceStatus(name: "log \(good.path)", failure: nil),
            AlertSourceStatus(name: "log \(missing.path)", failure: "failed: directory missing"),
        ])
        #expect(observability.alertServices.count == 1)
    }

    @Test("a blocklist file that cannot be read shows in the failure warning's probes, a readable one as healthy")
    func feedSourceProbes() async throws {
        let directory = try TemporaryDirectory()
        try "203.0.113.9\n".write(toFile: directory.file("good.txt"), atomically: true, encoding: .utf8)
        var configuration = try Configuration.load(from: "{}")
        configuration.alerts.email = EmailAlertConfiguration(to: ["ops@example.com"])
        configuration.blocklists.files = [directory.file("good.txt"), directory.file("missing.txt")]
        let store = try StateStore(directory: directory.path)
        let firewall = InMemoryFirewall()
        let engine = BanEngine(events: AsyncStream { $0.finish() }, policy: CorePolicyAdapter(policy: try configuration.makePolicy()),
                               firewall: firewall, store: store, allowlist: ProtectedAddresses([]), tick: .zero)
        let feeds = try FeedServices.make(configuration, firewall: firewall, store: store, engine: engine)
        try? await #require(feeds.blocklists).synchronize()
        let observability = DaemonObservability(configuration: configuration, logger: .init(label: "test"))
        observability.watchSources(logs: SourceHealthBoard(sources: []), ami: nil,
                                   crowdsec: CrowdSecServices(bouncer: nil, watcher: nil), feeds: feeds)
        let statuses = observability.probes.statuses()
        #expect(statuses.map(\.name) == ["blocklist \(directory.file("good.txt"))", "blocklist \(directory.file("missing.txt"))"])
        #expect(statuses.first?.failure == nil)
        #expect(statuses.last?.failure?.contains("consecutive failure") == true)
    }
}
