import Foundation
import KobraKaiCore
import KobraKaiDaemon
import KobraKaiDaemonTestSupport
import Logging
import ServiceLifecycle

/// A scripted Asterisk manager and an `AMIClientService` connected to it over real TCP, with everything
/// each side reports recorded for the test to await.
struct AMITestBed {
    static let username = "kobrakai"
    static let secret = "s3cret"

    let peer: ScriptedAMIPeer
    let client: AMIClientService
    let events = Recorder<SecurityEvent>()
    let health = Recorder<AMIClientHealth>()
    let peerLog = Recorder<AMIPeerHappening>()
    let logs = Recorder<RecordedLogLine>()
    private let peerWatcher: Task<Void, Never>

    /// Timing for tests: reconnects within milliseconds, authentication retries a few hundred ms apart,
    /// no pings unless asked for, generous response timeout (2 shared cores).
    static func settings(port: UInt16, host: String = "127.0.0.1", secret: String = secret) throws -> AMIClientSettings {
        AMIClientSettings(
            host: host, port: port,
            session: try AMIClientConfiguration(
                username: username, secret: secret, pingInterval: .seconds(3600), responseTimeout: .seconds(10),
                limits: AMIClientSettings.asteriskFrameLimits),
            reconnectDelay: .milliseconds(20), reconnectDelayMax: .milliseconds(200),
            authFailureDelay: .milliseconds(300), authFailureDelayMax: .seconds(2), healthyAfter: .zero)
    }

    init(
        peerSecret: String = secret, sendsFullyBooted: Bool = true, refusalDelay: Duration = .zero,
        adjust: (inout AMIClientSettings) throws -> Void = { _ in }
    ) throws {
        var behaviour = ScriptedAMIPeer.Behaviour(username: Self.username, secret: peerSecret)
        behaviour.refusalDelay = refusalDelay
        behaviour.sendsFullyBooted = sendsFullyBooted
        let peer = try ScriptedAMIPeer(behaviour: behaviour)
        self.peer = peer
        var settings = try Self.settings(port: peer.port)
        try adjust(&settings)
        let events = events
        let health = health
        let logs = logs
        var logger = Logger(label: "test.ami") { _ in RecordingLogHandler(logs) }
        logger.logLevel = .debug
        client = try AMIClientService(
            settings: settings, logger: logger, onHealthChange: { health.append($0) }, deliver: { events.append($0) })
        let peerLog = peerLog
        peerWatcher = Task {
            for await happening in peer.happenings { peerLog.append(happening) }
        }
    }

    func waitForLogins(_ count: Int) async throws {
        try await peerLog.wait(for: "\(count) successful login(s)") { items in
            items.filter { if case .loginAccepted = $0 { true } else { false } }.count >= count
        }
        try await health.wait(for: "client logged in \(count) time(s)") { items in
            (items.last?.state == .loggedIn) && (items.last?.logins ?? 0) >= count
        }
    }

    func waitForEvents(_ count: Int) async throws -> [SecurityEvent] {
        try await events.wait(for: "\(count) event(s)") { $0.count >= count }
    }

    func finish() async {
        await peer.shutdown()
        peerWatcher.cancel()
    }
}

/// The wall clock as Asterisk's EventTV (`%FT%T.%q%z`), so the policy sees current events.
func currentEventTV() -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSZ"
    return formatter.string(from: Date())
}
