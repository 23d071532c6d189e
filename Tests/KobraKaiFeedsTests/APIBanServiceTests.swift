import Foundation
import KobraKaiAddress
import KobraKaiCore
import KobraKaiCrowdSec
import KobraKaiDaemon
import KobraKaiFirewall
import KobraKaiHTTPTestSupport
import Logging
import MetricsTestKit
import Synchronization
import Testing

/// The APIBAN service against a local server that answers as apiban.org documents, banning into an
/// `InMemoryFirewall` and keeping its ID in a real state database.
@Suite("APIBAN import", .timeLimit(.minutes(2)))
struct APIBanServiceTests {
    static let banTime: Duration = .seconds(7 * 86_400)

    static func service(
        _ fake: FakeAPIBan, firewall: any Firewall, store: StateStore, key: String = FakeAPIBan.key,
        protected: ProtectedAddresses = ProtectedAddresses([]), interval: Duration = .milliseconds(100),
        budget: RequestBudget = RequestBudget(limit: 1000, window: .seconds(1)),
        backoff: RetryBackoff = RetryBackoff(initial: .milliseconds(50), maximum: .milliseconds(200)),
        timeout: Duration = .seconds(5), logs: CapturedLogs = CapturedLogs(), metrics: TestMetrics = TestMetrics(),
        onBansApplied: (@Sendable ([BanRecord]) -> Void)? = nil
    ) -> APIBanService {
        APIBanService(
            client: APIBanClient(baseURL: fake.url, key: key, timeout: timeout), firewall: firewall, store: store,
            banTime: banTime, interval: interval, isProtected: { protected.entry(overlapping: $0) != nil },
            budget: budget, backoff: backoff, onBansApplied: onBansApplied, metricsFactory: metrics, logger: logs.logger("test.apiban"))
    }

    static func apibanTargets(_ firewall: any Firewall) async throws -> Set<String> {
        Set(try await firewall.list().filter { $0.comment == APIBanService.comment }.map(\.target.description))
    }

    @Test("pages are followed with the ID each one carried, bad entries are skipped, bans last ban_time with comment apiban")
    func pagingCarriesID() async throws {
        let fake = try FakeAPIBan()
        fake.publish(id: "1700000101", addresses: FakeAPIBan.addresses(250))
        fake.publish(id: "1700000102", addresses: FakeAPIBan.addresses(250, offset: 250))
        fake.publish(FakeAPIBan.Page(id: "1700000103", elements: ["\"203.0.113.5\"", "\"not-an-address\"", "42", "\"198.51.100.0/24\"",
                                                                   "\"2001:db8::5\"", "\"::ffff:203.0.113.6\"", "null"]))
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        let firewall = InMemoryFirewall()
        let handed = Mutex<[BanRecord]>([])
        let metrics = TestMetrics()
        let service = Self.service(fake, firewall: firewall, store: store, metrics: metrics,
                                   onBansApplied: { records in handed.withLock { $0 += records } })
        let running = Task { try await service.run() }
        defer { running.cancel() }

        #expect(await eventually { service.health.lastSuccess != nil })
        #expect(Array(fake.paths.prefix(3)) == ["/api/KEY/banned", "/api/KEY/banned/1700000101", "/api/KEY/banned/1700000102"],
                "the short third page ends the poll without asking for a fourth")
        let targets = try await Self.apibanTargets(firewall)
        #expect(targets.count == 503)
        #expect(targets.isSuperset(of: ["198.18.0.1", "198.18.1.250", "203.0.113.5", "2001:db8::5", "203.0.113.6"]))
        #expect(!targets.contains("198.51.100.0/24"), "APIBAN lists addresses; a prefix is not one")
        let entry = try #require(try await firewall.lookup(IPAddress("203.0.113.5")!))
        #expect(entry.timeout == Self.banTime && entry.comment == "apiban")
        #expect(service.health.invalid == 4 && service.health.applied == 503 && service.health.state == "ok")
        #expect(try await store.feedState(APIBanService.stateKey) == "1700000103")
        let records = handed.withLock { $0 }
        #expect(records.count == 503 && records.allSatisfy { $0.origin == "apiban" && $0.reason == "apiban" })
        #expect(records.first.map { $0.expiresAt.since($0.createdAt) } == Self.banTime)
        #expect(metrics.counterTotal(label: MetricName.bans, dimensions: [("reason", "apiban"), ("origin", "apiban")]) == 503)

        // The next polls ask from the last ID: "no new bans" (400, ID none) keeps it; a new page is applied.
        #expect(await eventually { fake.paths.count >= 5 })
        #expect(fake.paths[3...].allSatisfy { $0 == "/api/KEY/banned/1700000103" })
        fake.publish(id: "1700000104", addresses: ["192.0.2.200", "203.0.113.5"])
        #expect(await eventually { (try? await firewall.lookup(IPAddress("192.0.2.200")!)) != nil })
        #expect(await eventually { (try? await store.feedState(APIBanService.stateKey)) == "1700000104" })
        #expect(service.health.applied == 504 && service.health.refreshed == 1, "203.0.113.5 listed again: renewed, not new")
        #expect(handed.withLock { $0 }.last?.target == IPPrefix("192.0.2.200")!)
        #expect(handed.withLock { $0 }.count == 504)
    }

    @Test("the ID survives a restart; a set without APIBAN's bans (reboot) starts again from the first page")
    func idPersistedAcrossRestart() async throws {
        let fake = try FakeAPIBan()
        fake.publish(id: "500", addresses: ["203.0.113.10", "203.0.113.11"])
        let directory = try TemporaryDirectory()
        let firewall = InMemoryFirewall()
        do {
            let store = try StateStore(directory: directory.path)
            let first = Self.service(fake, firewall: firewall, store: store, interval: .seconds(60))
            let running = Task { try await first.run() }
            #expect(await eventually { first.health.lastSuccess != nil })
            running.cancel()
            _ = await running.result
        }
        #expect(fake.paths == ["/api/KEY/banned"])

        // Same kernel set (the daemon restarted): continue after the saved ID.
        let reopened = try StateStore(directory: directory.path)
        #expect(try await reopened.feedState(APIBanService.stateKey) == "500")
        let second = Self.service(fake, firewall: firewall, store: reopened, interval: .seconds(60))
        let running = Task { try await second.run() }
        #expect(await eventually { second.health.lastSuccess != nil })
        running.cancel()
        _ = await running.result
        #expect(fake.paths == ["/api/KEY/banned", "/api/KEY/banned/500"])

        // An empty set (after a reboot the table is new): the saved ID would miss every earlier ban.
        let emptySet = InMemoryFirewall()
        let third = Self.service(fake, firewall: emptySet, store: reopened, interval: .seconds(60))
        let again = Task { try await third.run() }
        defer { again.cancel() }
        #expect(await eventually { third.health.lastSuccess != nil })
        #expect(fake.paths.last == "/api/KEY/banned")
        #expect(try await Self.apibanTargets(emptySet) == ["203.0.113.10", "203.0.113.11"])
    }

    @Test("after a ruleset repair the import starts again from the first page and the bans are back")
    func resetAfterRepair() async throws {
        let fake = try FakeAPIBan()
        fake.publish(id: "700", addresses: ["203.0.113.20", "2001:db8::20"])
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        let firewall = InMemoryFirewall()
        let engine = BanEngine(events: AsyncStream { $0.finish() }, policy: CorePolicyAdapter(policy: try Configuration().makePolicy()),
                               firewall: firewall, store: store, allowlist: ProtectedAddresses([]),
                               rulesetGuard: InMemoryRulesetGuard(firewall: firewall), tick: .zero)
        let service = Self.service(fake, firewall: firewall, store: store, interval: .seconds(60))
        let feeds = FeedServices(apiban: service, blocklists: nil)
        await engine.addRulesetRepairedHandler { feeds.rulesetRepaired() }
        let running = Task { try await service.run() }
        defer { running.cancel() }
        #expect(await eventually { (try? await store.feedState(APIBanService.stateKey)) == "700" })
        #expect(fake.paths == ["/api/KEY/banned"])

        try await firewall.flush()  // nft flush ruleset
        await engine.repairRuleset(trigger: "test: flushed")
        #expect(await eventually { fake.paths.count == 2 }, "the hour-long interval is cut short")
        #expect(fake.paths.last == "/api/KEY/banned", "from the first page, not after ID 700")
        #expect(await eventually { (try? await Self.apibanTargets(firewall)) == ["203.0.113.20", "2001:db8::20"] })
    }

    @Test("allowlisted and own addresses are never banned, and a longer ban made elsewhere is not shortened")
    func allowlistedNeverBanned() async throws {
        let fake = try FakeAPIBan()
        fake.publish(id: "800", addresses: ["192.0.2.10", "192.0.2.77", "127.0.0.1", "203.0.113.30", "203.0.113.31"])
        let directory = try TemporaryDirectory()
        let firewall = InMemoryFirewall()
        _ = try await firewall.ban([BanRequest(target: IPPrefix("203.0.113.31")!, timeout: .seconds(30 * 86_400), comment: "operator")])
        let protected = ProtectedAddresses([IPPrefix("192.0.2.0/24")!, IPPrefix("127.0.0.0/8")!])
        let service = Self.service(fake, firewall: firewall, store: try StateStore(directory: directory.path), protected: protected)
        let running = Task { try await service.run() }
        defer { running.cancel() }
        #expect(await eventually { service.health.lastSuccess != nil })
        #expect(try await Self.apibanTargets(firewall) == ["203.0.113.30"])
        #expect(service.health.skippedProtected == 3)
        let operatorBan = try #require(try await firewall.lookup(IPAddress("203.0.113.31")!))
        #expect(operatorBan.comment == "operator" && operatorBan.timeout == .seconds(30 * 86_400))
    }

    @Test("a reload that allowlists an imported address lifts its APIBAN ban, and only APIBAN's")
    func reloadLiftsAllowlisted() async throws {
        let fake = try FakeAPIBan()
        fake.publish(id: "850", addresses: ["198.51.100.70", "198.51.100.71"])
        let directory = try TemporaryDirectory()
        let firewall = InMemoryFirewall()
        _ = try await firewall.ban([BanRequest(target: IPPrefix("198.51.100.72")!, timeout: .seconds(3600), comment: "operator")])
        let allowlist = Mutex(ProtectedAddresses([]))
        let service = APIBanService(
            client: APIBanClient(baseURL: fake.url, key: FakeAPIBan.key), firewall: firewall,
            store: try StateStore(directory: directory.path), banTime: Self.banTime, interval: .seconds(60),
            isProtected: { target in allowlist.withLock { $0.entry(overlapping: target) != nil } },
            budget: RequestBudget(limit: 100, window: .seconds(1)), logger: CapturedLogs().logger("test.apiban"))
        let running = Task { try await service.run() }
        defer { running.cancel() }
        #expect(await eventually { service.health.lastSuccess != nil })
        #expect(try await service.liftAllowlistedBans() == 0)
        allowlist.withLock { $0 = ProtectedAddresses([IPPrefix("198.51.100.64/26")!]) }
        #expect(try await service.liftAllowlistedBans() == 2)
        #expect(try await firewall.list().map(\.target.description) == ["198.51.100.72"])
    }

    @Test("a 429 waits at least its Retry-After before the next request, then the import goes on")
    func rateLimitBackoff() async throws {
        let fake = try FakeAPIBan()
        fake.publish(id: "900", addresses: ["203.0.113.40"])
        fake.queue(.json(429, #"{"ipaddress":"rate limit exceeded", "ID":"unauthorized"}"#,
                         headers: [HTTPTestHeader(name: "Retry-After", value: "2")]),
                   // The same notice with another status: still a rate limit (waits the budget's 1 s window).
                   .json(400, #"{"ipaddress":"rate limit exceeded", "ID":"unauthorized"}"#))
        let directory = try TemporaryDirectory()
        let firewall = InMemoryFirewall()
        let logs = CapturedLogs()
        let service = Self.service(fake, firewall: firewall, store: try StateStore(directory: directory.path), logs: logs)
        let started = ContinuousClock.now
        let running = Task { try await service.run() }
        defer { running.cancel() }
        let errors = Mutex<[String]>([])
        #expect(await eventually {
            if let error = service.health.lastError { errors.withLock { if $0.last != error { $0.append(error) } } }
            return service.health.lastSuccess != nil
        })
        #expect(errors.withLock { $0 }.map { $0.components(separatedBy: "rate-limited this key ").last ?? "" } == ["(HTTP 429)", "(HTTP 400)"])
        #expect(service.health.consecutiveFailures == 0)
        #expect(ContinuousClock.now - started >= .seconds(3), "Retry-After: 2 was honoured, then the 1 s window")
        #expect(fake.paths.count >= 3 && fake.paths[1] == "/api/KEY/banned" && fake.paths[2] == "/api/KEY/banned")
        #expect(try await Self.apibanTargets(firewall) == ["203.0.113.40"])
        #expect(!logs.all.joined().contains(FakeAPIBan.key))
    }

    @Test("the request budget paces the pages of a large first import")
    func budgetPacesPages() async throws {
        let fake = try FakeAPIBan()
        for page in 0..<3 { fake.publish(id: "\(1000 + page)", addresses: FakeAPIBan.addresses(250, offset: page * 250)) }
        let directory = try TemporaryDirectory()
        let firewall = InMemoryFirewall()
        let service = Self.service(fake, firewall: firewall, store: try StateStore(directory: directory.path), interval: .seconds(60),
                                   budget: RequestBudget(limit: 2, window: .seconds(1)))
        let started = ContinuousClock.now
        let running = Task { try await service.run() }
        defer { running.cancel() }
        #expect(await eventually { service.health.lastSuccess != nil })
        // Three full pages and the "no new bans" answer: four requests, at most two per second.
        #expect(fake.paths.count == 4)
        #expect(ContinuousClock.now - started >= .seconds(1))
        #expect(try await Self.apibanTargets(firewall).count == 750)
    }

    @Test("5xx, malformed JSON, a wrong key and a timeout are failures that back off; the key is never in a message")
    func errorsBackOff() async throws {
        let fake = try FakeAPIBan()
        fake.publish(id: "1100", addresses: ["203.0.113.50"])
        fake.queue(.json(500, #"{"error":"boom"}"#), .json(200, "{not json"), .json(200, #"{"ipaddress":["203.0.113.99"]}"#),
                   HTTPTestResponse(status: 200, body: [], delay: .seconds(2)))
        let directory = try TemporaryDirectory()
        let firewall = InMemoryFirewall()
        let logs = CapturedLogs()
        let service = Self.service(fake, firewall: firewall, store: try StateStore(directory: directory.path),
                                   timeout: .milliseconds(500), logs: logs)
        let errors = Mutex<[String]>([])
        let running = Task { try await service.run() }
        defer { running.cancel() }
        #expect(await eventually {
            if let error = service.health.lastError { errors.withLock { if $0.last != error { $0.append(error) } } }
            return service.health.lastSuccess != nil
        })
        let seen = errors.withLock { $0 }
        #expect(seen.contains { $0.contains("HTTP 500") })
        #expect(seen.contains { $0.contains("unexpected body") })
        #expect(seen.contains { $0.contains("unreachable") }, "the 2 s reply outlived the 500 ms timeout")
        #expect(try await Self.apibanTargets(firewall) == ["203.0.113.50"], "the page without an ID was not applied")
        let text = (seen + logs.all).joined(separator: "\n")
        #expect(!text.contains(FakeAPIBan.key))
        #expect(text.contains("/<key>/banned"))

        // A wrong key: 403, reported as refused, without the key.
        let wrong = Self.service(fake, firewall: firewall, store: try StateStore(directory: directory.path), key: "WrongKey123")
        let refused = Task { try await wrong.run() }
        defer { refused.cancel() }
        #expect(await eventually { wrong.health.lastError != nil })
        #expect(wrong.health.lastError?.contains("refused the key (HTTP 403)") == true)
        #expect(wrong.health.lastError?.contains("WrongKey123") == false)
    }
}
