import CoreMetrics
import KobraKaiFirewall
import KobraKaiCore
import Logging
import ServiceLifecycle
import Synchronization

/// E-mails for operators without a webhook receiver, through the local MTA (`SendmailProcess`):
/// - a digest of the bans applied since the last one (count, top reasons and origins, the targets), at
///   most one per `digestInterval`, none when nothing was banned;
/// - a warning naming the sources (logs, AMI, CrowdSec, ...) that have been failing for `failureGrace`,
///   at most one per `failureWarningInterval` while they keep failing.
///
/// `enqueue` (called by the engine) only adds to an in-memory digest bounded in size; mail goes out from
/// `run()`, which calls `tick(now:)` every `checkInterval`. Tests drive `tick` with their own clock.
public final class EmailAlertService: Service, Sendable {
    /// Delivers one rendered message within `timeout`.
    public typealias Mailer = @Sendable (_ message: [UInt8], _ timeout: Duration) async throws -> Void
    public typealias SourceHealth = @Sendable () async -> [AlertSourceStatus]

    private struct State {
        var digest = BanDigest()
        var digestStartedAt: Timestamp
        var lastDigestAt: Timestamp?
        var tracker: SourceFailureTracker
        var lastWarningAt: Timestamp?
    }

    private let configuration: EmailAlertConfiguration
    private let host: String
    private let sourceHealth: SourceHealth
    private let mailer: Mailer
    private let now: @Sendable () -> Timestamp
    private let checkInterval: Duration
    private let state: Mutex<State>
    private let sent: CoreMetrics.Counter
    private let failed: CoreMetrics.Counter
    private let logger: Logger

    /// - Parameters:
    ///   - mailer: delivers one rendered message; by default `sendmail -t -oi` at `configuration.sendmailPath`.
    public init(
        configuration: EmailAlertConfiguration, host: String, sourceHealth: @escaping SourceHealth,
        metrics: DaemonMetrics = .disabled, mailer: Mailer? = nil, checkInterval: Duration = .seconds(30),
        now: @escaping @Sendable () -> Timestamp = { Timestamp.wallClock() },
        logger: Logger = Logger(label: "kobrakai.alerts.email")
    ) {
        self.configuration = configuration
        // Used in the subject and the body: one line, whatever gethostname returned.
        self.host = MailMessage.headerSafe(host)
        self.sourceHealth = sourceHealth
        let path = configuration.sendmailPath
        self.mailer = mailer ?? { message, timeout in
            try await BlockingExecutor.run("sendmail") { () throws(SendmailProcess.Failure) in
                try SendmailProcess.send(message, sendmailPath: path, timeout: timeout)
            }
        }
        self.now = now
        self.checkInterval = checkInterval
        state = Mutex(State(digestStartedAt: now(), tracker: SourceFailureTracker(grace: configuration.failureGrace)))
        sent = metrics.counter(MetricName.alertsSent, [("channel", "email")])
        failed = metrics.counter(MetricName.alertFailures, [("channel", "email")])
        self.logger = logger
    }

    /// Adds bans to the next digest; returns at once.
    public func enqueue(_ bans: [BanRecord]) {
        state.withLock { $0.digest.add(bans) }
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await tick(now: now())
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.checkInterval) }
        }
        // Bans of the last period are not lost at a restart: mail them now (the rate limit aside), with a
        // deadline that fits systemd's stop timeout.
        await sendDigest(now: now(), force: true, timeout: .seconds(5))
    }

    /// One check: sends the digest and the failure warning when they are due.
    public func tick(now: Timestamp) async {
        await sendDigest(now: now, force: false)
        await warnAboutFailingSources(now: now)
    }

    private func sendDigest(now: Timestamp, force: Bool, timeout: Duration = .seconds(60)) async {
        let due: (BanDigest, Timestamp)? = state.withLock { state in
            guard !state.digest.isEmpty else { return nil }
            if !force, let last = state.lastDigestAt, now.since(last) < configuration.digestInterval { return nil }
            defer {
                state.digest = BanDigest()
                state.digestStartedAt = now
                state.lastDigestAt = now
            }
            return (state.digest, state.digestStartedAt)
        }
        guard let (digest, since) = due else { return }
        let text = digest.message(host: host, since: since, until: now)
        await mail(subject: text.subject, body: text.body, now: now, what: "digest of \(digest.count) ban(s)", timeout: timeout)
    }

    private func warnAboutFailingSources(now: Timestamp) async {
        let statuses = await sourceHealth()
        let failing: [SourceFailureTracker.Failing]? = state.withLock { state in
            let overdue = state.tracker.update(statuses, now: now)
            guard !overdue.isEmpty else { return nil }
            if let last = state.lastWarningAt, now.since(last) < configuration.failureWarningInterval { return nil }
            state.lastWarningAt = now
            return overdue
        }
        guard let failing else { return }
        var body = "KobraKai on \(host): \(failing.count) source(s) have been failing for at least "
            + "\(DurationText.format(configuration.failureGrace)). Attacks they would report are not being seen.\n\n"
        for source in failing {
            body += "\(MailMessage.headerSafe(source.name))\n  failing since \(source.since.iso8601) (UTC)\n  \(MailMessage.headerSafe(source.failure))\n\n"
        }
        body += "kobrakai status shows the current state. This warning repeats at most every "
            + "\(DurationText.format(configuration.failureWarningInterval)) while the problem lasts.\n"
        let subject = "source(s) failing on \(host): " + failing.map(\.name).joined(separator: ", ")
        await mail(subject: subject, body: body, now: now, what: "failure warning", timeout: .seconds(60))
    }

    private func mail(subject: String, body: String, now: Timestamp, what: String, timeout: Duration) async {
        let prefix = configuration.subjectPrefix ?? "[kobrakai \(host)]"
        let message = MailMessage(from: configuration.from, to: configuration.to, subject: "\(prefix) \(subject)", date: now, body: body)
        do {
            try await mailer(message.rendered(), timeout)
            sent.increment()
            logger.info("mailed \(what)", metadata: ["to": "\(configuration.to.joined(separator: ","))"])
        } catch {
            failed.increment()
            logger.error("could not mail \(what): \(error)", metadata: ["sendmail": "\(configuration.sendmailPath)"])
        }
    }
}
