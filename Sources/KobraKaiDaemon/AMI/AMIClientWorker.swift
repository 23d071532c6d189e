#if canImport(Glibc)
import Glibc
#endif
import KobraKaiCore
import KobraKaiFirewall
import Logging

/// The AMI client's blocking side, run on one dedicated thread for the service's lifetime: connect, drive
/// the pure `AMIClientSession` (banner, Login with `Events: security`, pings, dead-peer detection), deliver
/// events, and reconnect with backoff. It sleeps only in `poll`, which the doorbell interrupts.
struct AMIClientWorker {
    /// How one connection ended.
    enum ConnectionEnd: Equatable {
        case stopped
        /// New settings while connected (or while connecting): reconnect at once with them.
        case reload
        case authenticationFailed(String)
        /// Failed to connect, dropped, dead or reset; `loggedInFor` when a login had succeeded.
        case lost(String, loggedInFor: Duration?)
    }

    private let shared: AMIClientShared
    private var random = SystemRandomNumberGenerator()
    private var framingLog = LogThrottle()
    private var injectionLog = LogThrottle()
    private var protocolLog = LogThrottle()

    init(shared: AMIClientShared) { self.shared = shared }

    private var logger: Logger { shared.logger }

    mutating func run() {
        var settings = shared.settings
        var backoff = Self.backoffs(settings)
        loop: while true {
            switch shared.takeRequest() {
            case .stop:
                break loop
            case .reload:
                settings = shared.settings
                backoff = Self.backoffs(settings)
            case .none:
                break
            }
            let end = runConnection(settings)
            let delay: Duration
            switch end {
            case .stopped:
                break loop
            case .reload:
                settings = shared.settings
                backoff = Self.backoffs(settings)
                continue loop
            case .authenticationFailed(let message):
                let ceiling = backoff.authentication.ceiling
                delay = backoff.authentication.nextDelay(using: &random)
                let text = "login as \"\(settings.session.username)\" refused by \(settings.endpoint): \(message)"
                logger.error(
                    "AMI \(text). Check ami.username and the secret against manager.conf (and its permit/deny); next attempt in \(DurationText.format(delay)), or reload after fixing",
                    metadata: ["endpoint": "\(settings.endpoint)", "user": "\(settings.session.username)"])
                shared.updateHealth {
                    $0.state = .authenticationFailed
                    $0.authenticationFailures += 1
                    $0.loggedInSince = nil
                    Self.record(error: text, delay: delay, ceiling: ceiling, in: &$0)
                }
            case .lost(let reason, let loggedInFor):
                if let loggedInFor {
                    // The credentials worked: a later refusal starts the long schedule from the beginning.
                    backoff.authentication.reset()
                    if loggedInFor >= settings.healthyAfter { backoff.connection.reset() }
                }
                let ceiling = backoff.connection.ceiling
                delay = backoff.connection.nextDelay(using: &random)
                logger.warning(
                    "AMI connection to \(settings.endpoint) lost: \(reason); reconnecting in \(DurationText.format(delay))",
                    metadata: ["endpoint": "\(settings.endpoint)"])
                shared.updateHealth {
                    $0.state = .backingOff
                    $0.loggedInSince = nil
                    Self.record(error: reason, delay: delay, ceiling: ceiling, in: &$0)
                }
            }
            switch waitBeforeRetry(delay) {
            case .stop:
                break loop
            case .reload:
                settings = shared.settings
                backoff = Self.backoffs(settings)
            case .none:
                break
            }
        }
        shared.updateHealth {
            $0.state = .stopped
            $0.loggedInSince = nil
            $0.retryDelay = nil
            $0.retryCeiling = nil
        }
    }

    private static func backoffs(_ settings: AMIClientSettings) -> (connection: ReconnectBackoff, authentication: ReconnectBackoff) {
        (
            ReconnectBackoff(initial: settings.reconnectDelay, maximum: settings.reconnectDelayMax, jitter: .full),
            ReconnectBackoff(initial: settings.authFailureDelay, maximum: settings.authFailureDelayMax, jitter: .equal)
        )
    }

    private static func record(error: String, delay: Duration, ceiling: Duration, in health: inout AMIClientHealth) {
        health.lastError = error
        health.lastErrorAt = Timestamp.wallClock()
        health.retryDelay = delay
        health.retryCeiling = ceiling
    }

    /// Sleeps `delay` in `poll` on the doorbell; a stop or reload cuts it short.
    private func waitBeforeRetry(_ delay: Duration) -> AMIClientShared.Request {
        let deadline = MonotonicTime.milliseconds() + delay.milliseconds
        while true {
            let request = shared.takeRequest()
            if request != .none { return request }
            let remaining = deadline - MonotonicTime.milliseconds()
            if remaining <= 0 { return .none }
            var entry = pollfd(fd: shared.doorbell.descriptor, events: Int16(POLLIN), revents: 0)
            if poll(&entry, 1, Int32(clamping: remaining)) > 0 { shared.doorbell.drain() }
        }
    }

    // MARK: One connection

    private mutating func runConnection(_ settings: AMIClientSettings) -> ConnectionEnd {
        shared.updateHealth {
            $0.state = .connecting
            $0.endpoint = settings.endpoint
            $0.connectionAttempts += 1
            if $0.connectionAttempts > 1 { $0.reconnects += 1 }
            $0.retryDelay = nil
            $0.retryCeiling = nil
        }
        let socket: AMISocket
        do {
            socket = try AMISocket.connect(
                host: settings.host, port: settings.port, timeout: settings.session.responseTimeout,
                doorbell: shared.doorbell)
        } catch .interrupted {
            shared.doorbell.drain()
            return shared.takeRequest() == .stop ? .stopped : .reload
        } catch {
            return .lost(error.description, loggedInFor: nil)
        }
        var connection = Connection(settings: settings)
        let end = exchange(over: socket, &connection)
        if end == .stopped || end == .reload { closePolitely(socket, &connection, grace: settings.logoffGrace) }
        return end
    }

    /// State of one connection, next to the socket.
    private struct Connection {
        let settings: AMIClientSettings
        var session: AMIClientSession
        let clock = AMISessionClock()
        var outbound: [UInt8] = []
        var loggedInAt: Int64?
        let tickMilliseconds: Int32

        init(settings: AMIClientSettings) {
            self.settings = settings
            session = AMIClientSession(configuration: settings.session)
            // Wake often enough to send pings and notice a missing Pong promptly, rarely enough to cost nothing.
            let shortest = min(settings.session.pingInterval, settings.session.responseTimeout).milliseconds
            tickMilliseconds = Int32(clamping: min(max(shortest / 4, 10), 1000))
        }

        var loggedInFor: Duration? {
            loggedInAt.map { .milliseconds(MonotonicTime.milliseconds() - $0) }
        }
    }

    private mutating func exchange(over socket: borrowing AMISocket, _ connection: inout Connection) -> ConnectionEnd {
        connection.session.connected(now: connection.clock.now())
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            var entries = [
                pollfd(
                    fd: socket.descriptor,
                    events: Int16(POLLIN) | (connection.outbound.isEmpty ? 0 : Int16(POLLOUT)), revents: 0),
                pollfd(fd: shared.doorbell.descriptor, events: Int16(POLLIN), revents: 0),
            ]
            if poll(&entries, 2, connection.tickMilliseconds) < 0 && errno != EINTR {
                return .lost(SystemCallError.current("poll").description, loggedInFor: connection.loggedInFor)
            }
            if entries[1].revents != 0 {
                shared.doorbell.drain()
                switch shared.takeRequest() {
                case .stop: return .stopped
                case .reload:
                    // Same settings (e.g. a reload for another section): keep the session.
                    if shared.settings != connection.settings { return .reload }
                case .none: break
                }
            }
            if entries[0].revents != 0 {
                // A bounded number of reads per wake, so ticks and the doorbell keep their turn under a flood.
                for _ in 0..<16 {
                    switch socket.receive(into: &buffer) {
                    case .received(let count):
                        let framesBefore = connection.session.framesRead
                        let outputs = connection.session.receive(buffer[..<count], now: connection.clock.now())
                        let frames = connection.session.framesRead - framesBefore
                        if frames > 0 { shared.updateHealth { $0.messagesRead += frames } }
                        if let end = handle(outputs, &connection) { return end }
                        continue
                    case .wouldBlock:
                        break
                    case .closed(let reason):
                        return .lost(reason, loggedInFor: connection.loggedInFor)
                    case .failed(let error):
                        return .lost(error.description, loggedInFor: connection.loggedInFor)
                    }
                    break
                }
            }
            if let end = handle(connection.session.tick(now: connection.clock.now()), &connection) { return end }
            do {
                try socket.flush(&connection.outbound)
            } catch {
                return .lost(error.description, loggedInFor: connection.loggedInFor)
            }
        }
    }

    /// Acts on the session's outputs; returns how the connection ends, if it does.
    private mutating func handle(_ outputs: [AMIClientSession.Output], _ connection: inout Connection) -> ConnectionEnd? {
        for output in outputs {
            switch output {
            case .send(let bytes):
                connection.outbound += bytes
            case .loggedIn(let version):
                connection.loggedInAt = MonotonicTime.milliseconds()
                logger.notice(
                    "AMI logged in to \(connection.settings.endpoint) as \"\(connection.settings.session.username)\" (manager \(version ?? "unknown")); receiving security events")
                shared.updateHealth {
                    $0.state = .loggedIn
                    $0.logins += 1
                    $0.managerVersion = version
                    $0.loggedInSince = Timestamp.wallClock()
                }
            case .authenticationFailed(let message):
                return .authenticationFailed(message)
            case .event(let event):
                // Counted first: whoever sees the event also sees it counted.
                shared.updateHealth { $0.eventsDelivered += 1 }
                shared.deliver(event)
            case .injectionSuspected(let reason):
                shared.updateHealth { $0.injectionsRefused += 1 }
                throttled(&injectionLog, level: .warning, "AMI security event refused (injection attempt?): \(reason)")
            case .framingError(let error):
                shared.updateHealth { $0.framingErrors += 1 }
                switch error {
                case .lineTooLong, .messageTooLarge, .tooManyFields:
                    // Beyond anything Asterisk sends (see AMIClientSettings.asteriskFrameLimits).
                    return .lost("\(error.description); the peer is not behaving like Asterisk, connection reset", loggedInFor: connection.loggedInFor)
                case .lineWithoutColon:
                    throttled(&framingLog, level: .notice, "AMI: \(error.description)")
                }
            case .protocolError(let reason):
                shared.updateHealth { $0.protocolErrors += 1 }
                throttled(&protocolLog, level: .notice, "AMI: \(reason)")
            case .peerDead(let reason):
                return .lost("dead peer: \(reason)", loggedInFor: connection.loggedInFor)
            }
        }
        return nil
    }

    private func throttled(_ throttle: inout LogThrottle, level: Logger.Level, _ message: String) {
        let verdict = throttle.admit(nowMilliseconds: MonotonicTime.milliseconds())
        guard verdict.admit else { return }
        let suffix = verdict.suppressedBefore > 0 ? " (\(verdict.suppressedBefore) similar messages suppressed)" : ""
        logger.log(level: level, "\(message)\(suffix)")
    }

    /// Sends Logoff when logged in, then waits up to `grace` for the manager's Goodbye and close, so it
    /// ends the session cleanly instead of logging a broken connection.
    private func closePolitely(_ socket: borrowing AMISocket, _ connection: inout Connection, grace: Duration) {
        var pending = connection.session.logoff().reduce(into: [UInt8]()) { bytes, output in
            if case .send(let action) = output { bytes += action }
        }
        guard !pending.isEmpty else { return }
        let deadline = MonotonicTime.milliseconds() + grace.milliseconds
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let remaining = deadline - MonotonicTime.milliseconds()
            guard remaining > 0 else { return }
            do { try socket.flush(&pending) } catch { return }
            var entry = pollfd(fd: socket.descriptor, events: Int16(POLLIN) | (pending.isEmpty ? 0 : Int16(POLLOUT)), revents: 0)
            guard poll(&entry, 1, Int32(clamping: remaining)) > 0 else { continue }
            if entry.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                switch socket.receive(into: &buffer) {
                case .received, .wouldBlock: continue
                case .closed, .failed: return
                }
            }
        }
    }
}
