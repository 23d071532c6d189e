import AsyncHTTPClient
import CoreMetrics
import KobraKaiCore
import KobraKaiFirewall
import KobraKaiCrowdSec
import Logging
import NIOCore
import ServiceLifecycle

/// Posts the engine's bans to `alerts.webhook.url` as JSON (`WebhookPayload`): the bans of a burst go in
/// one POST, sent `batchWindow` after the first of them; a failed POST (connection error, timeout, 5xx,
/// 408, 429) is retried with exponential backoff, other 4xx answers are final.
///
/// Banning never waits for the receiver: `enqueue` only appends to a bounded `AlertQueue` (oldest dropped
/// when full, counted in `kobrakai_alerts_dropped_total{channel="webhook"}` and logged once per burst),
/// and all network work happens in `run()`. Batches are delivered in order; while one is being retried,
/// newer bans wait in the queue.
public final class WebhookAlertService: Service, Sendable {
    private let configuration: WebhookAlertConfiguration
    private let host: String
    private let client: HTTPClient
    private let queue: AlertQueue<BanRecord>
    private let retryInitial: Duration
    private let retryMaximum: Duration
    private let attempts: Int
    private let sent: CoreMetrics.Counter
    private let failed: CoreMetrics.Counter
    private let dropped: CoreMetrics.Counter
    private let logger: Logger

    /// - Parameters:
    ///   - host: this machine's name, sent with every ban (receivers serving a fleet need it).
    ///   - attempts: tries per batch before it is dropped (logged, counted as failures).
    public init(
        configuration: WebhookAlertConfiguration, host: String, httpClient: HTTPClient = LocalAPIClient.sharedHTTPClient,
        metrics: DaemonMetrics = .disabled, retryInitial: Duration = .seconds(1), retryMaximum: Duration = .seconds(60),
        attempts: Int = 8, logger: Logger = Logger(label: "kobrakai.alerts.webhook")
    ) {
        self.configuration = configuration
        self.host = host
        client = httpClient
        queue = AlertQueue(capacity: configuration.queueCapacity)
        self.retryInitial = retryInitial
        self.retryMaximum = retryMaximum
        self.attempts = max(1, attempts)
        sent = metrics.counter(MetricName.alertsSent, [("channel", "webhook")])
        failed = metrics.counter(MetricName.alertFailures, [("channel", "webhook")])
        dropped = metrics.counter(MetricName.alertsDropped, [("channel", "webhook")])
        self.logger = logger
    }

    /// Queues bans for sending and returns at once (the engine calls this between two transactions).
    public func enqueue(_ bans: [BanRecord]) { queue.enqueue(bans) }

    /// Bans waiting to be sent, and bans dropped so far because the queue was full.
    public var pending: Int { queue.count }
    public var droppedTotal: Int { queue.droppedTotal }

    public func run() async throws {
        for await _ in queue.wakeUps.cancelOnGracefulShutdown() {
            // Let the rest of a burst arrive: one POST for a flood, not one per flush.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.configuration.batchWindow) }
            if Self.stopping { break }
            await drain()
            if Self.stopping { break }
        }
        // Shutdown: one short try per batch for what is left, no retries, stopping at the first failure
        // (systemd's stop timeout is 15 s and the e-mail digest needs its share of it).
        await drain(finalTimeout: Self.lastTryTimeout(configuration.timeout))
        queue.close()
    }

    private static func lastTryTimeout(_ configured: Duration) -> Duration { min(configured, .seconds(3)) }

    /// Sends every queued batch in order. With `finalTimeout` (shutdown) each batch gets one try and the
    /// first failure drops the rest; otherwise failures are retried, and a stop leaves the rest to the
    /// final drain.
    private func drain(finalTimeout: Duration? = nil) async {
        while true {
            reportDrops()
            if finalTimeout == nil && Self.stopping { return }
            let batch = queue.dequeue(upTo: configuration.maxBatch)
            guard !batch.isEmpty else { return }
            let delivered = await deliver(batch, lastTryTimeout: finalTimeout)
            if !delivered && finalTimeout != nil {
                let left = queue.dequeue(upTo: .max).count
                if left > 0 { logger.error("webhook unreachable at shutdown: \(left) more ban alert(s) not sent") }
                return
            }
        }
    }

    private func reportDrops() {
        let count = queue.takeDropCount()
        guard count > 0 else { return }
        dropped.increment(by: count)
        logger.warning("webhook queue full (\(queue.capacity) bans): dropped the \(count) oldest ban alert(s); the receiver is slower than the bans or down")
    }

    /// Posts one batch, retrying with backoff unless `lastTryTimeout` is given (then: one try with it).
    /// A POST in flight when the daemon starts stopping is cut short, and the batch gets one last short try.
    /// Returns whether the receiver took it.
    private func deliver(_ batch: [BanRecord], lastTryTimeout: Duration?) async -> Bool {
        let payload = WebhookPayload.encode(batch, host: host)
        var backoff = ReconnectBackoff(initial: retryInitial, maximum: retryMaximum, jitter: .equal)
        var random = SystemRandomNumberGenerator()
        var lastTry = lastTryTimeout != nil
        var timeout = lastTryTimeout ?? configuration.timeout
        var attempt = 0
        while true {
            attempt += 1
            let outcome: Outcome
            if lastTry {
                outcome = await post(payload, timeout: timeout)
            } else {
                let deadline = timeout
                outcome = await cancelWhenGracefulShutdown { await self.post(payload, timeout: deadline) }
            }
            switch outcome {
            case .delivered:
                sent.increment(by: batch.count)
                if attempt > 1 { logger.notice("webhook delivered after \(attempt) attempts", metadata: ["bans": "\(batch.count)"]) }
                return true
            case .rejected(let reason):
                failed.increment(by: batch.count)
                logger.error("webhook refused \(batch.count) ban alert(s): \(reason); not retried (fix the receiver or alerts.webhook)")
                return false
            case .failed(let reason):
                if lastTry || attempt >= attempts {
                    failed.increment(by: batch.count)
                    logger.error("webhook delivery of \(batch.count) ban alert(s) failed after \(attempt) attempt(s): \(reason); dropped")
                    return false
                }
                if !Self.stopping {
                    let delay = backoff.nextDelay(using: &random)
                    logger.warning("webhook delivery failed: \(reason); retrying in \(DurationText.format(delay))", metadata: ["bans": "\(batch.count)"])
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
                }
                if Self.stopping {
                    lastTry = true
                    timeout = Self.lastTryTimeout(configuration.timeout)
                }
            }
        }
    }

    /// Graceful shutdown (the daemon stopping) or cancellation: no more retries, no more waiting.
    private static var stopping: Bool { Task.isShuttingDownGracefully || Task.isCancelled }

    private enum Outcome {
        case delivered
        /// A 4xx answer other than 408/429: the same request would be refused again.
        case rejected(String)
        /// Worth retrying: no answer, a timeout, 5xx, 408, 429.
        case failed(String)
    }

    private func post(_ payload: [UInt8], timeout: Duration) async -> Outcome {
        var request = HTTPClientRequest(url: configuration.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "kobrakai")
        for header in configuration.headers { request.headers.add(name: header.name, value: header.value) }
        request.body = .bytes(ByteBuffer(bytes: payload))
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Self.nanoseconds(timeout)))
            // Read (a bounded part of) the answer so the connection can be reused.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            switch response.status.code {
            case 200..<300: return .delivered
            case 408, 429, 500...: return .failed("HTTP \(response.status.code)")
            default: return .rejected("HTTP \(response.status.code)")
            }
        } catch {
            return .failed("\(error)")
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled + attoseconds / 1_000_000_000
    }
}
