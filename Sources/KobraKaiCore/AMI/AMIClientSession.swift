/// The AMI client protocol as a pure state machine: bytes and the current time in, actions out.
///
/// A socket transport (in the daemon) calls `connected(now:)` after connecting, feeds every received chunk
/// to `receive(_:now:)`, calls `tick(now:)` periodically, writes every `.send` output, and reconnects with
/// backoff after `.peerDead` or `.authenticationFailed`. Nothing here touches a socket or a clock.
public struct AMIClientSession: Sendable {
    public enum State: Hashable, Sendable {
        case awaitingBanner
        case awaitingLoginResponse
        case loggedIn
        case closed
    }

    public enum Output: Hashable, Sendable {
        /// Bytes to write to the socket.
        case send([UInt8])
        case loggedIn(managerVersion: String?)
        /// The server answered `Response: Error` to Login: wrong credentials or a refused ACL.
        case authenticationFailed(message: String)
        case event(SecurityEvent)
        case injectionSuspected(String)
        /// A message the decoder skipped (overlong line, oversized message, too many fields, a line without
        /// a colon); the session continues. The transport decides whether a size overrun warrants a reset.
        case framingError(AMIFrameDecoder.DecodeError)
        /// A mapping or response problem; the session continues.
        case protocolError(String)
        /// No banner, login response or Pong in time: close and reconnect.
        case peerDead(String)
    }

    public let configuration: AMIClientConfiguration
    public private(set) var state: State = .closed
    private var decoder: AMIFrameDecoder
    private var managerVersion: String?
    private var nextActionNumber = 1
    private var loginActionID: String?
    private var pendingPing: (actionID: String, sentAt: Timestamp)?
    private var waitingSince = Timestamp(millisecondsSinceEpoch: 0)
    private var lastPingAt = Timestamp(millisecondsSinceEpoch: 0)
    private var messagesReceived = 0
    /// Messages the decoder has produced, skipped malformed ones included (not the banner): the AMI
    /// counterpart of a log source's lines read.
    public private(set) var framesRead = 0

    public init(configuration: AMIClientConfiguration) {
        self.configuration = configuration
        self.decoder = AMIFrameDecoder(limits: configuration.limits)
    }

    /// Starts a new session on a fresh connection (also after a reconnect).
    public mutating func connected(now: Timestamp) {
        decoder = AMIFrameDecoder(limits: configuration.limits)
        state = .awaitingBanner
        waitingSince = now
        loginActionID = nil
        pendingPing = nil
        managerVersion = nil
    }

    /// Processes received bytes.
    public mutating func receive(_ bytes: some Sequence<UInt8>, now: Timestamp) -> [Output] {
        guard state != .closed else { return [] }
        decoder.append(bytes)
        var outputs: [Output] = []
        while state != .closed, let frame = decoder.next() {
            switch frame {
            case .failure(let error):
                framesRead += 1
                outputs.append(.framingError(error))
            case .success(.banner(let version)): outputs += handleBanner(version, now: now)
            case .success(.message(let message)):
                framesRead += 1
                outputs += handle(message, now: now)
            }
        }
        return outputs
    }

    /// Sends keep-alive pings and detects a dead peer.
    public mutating func tick(now: Timestamp) -> [Output] {
        switch state {
        case .closed:
            return []
        case .awaitingBanner, .awaitingLoginResponse:
            if now.since(waitingSince) > configuration.responseTimeout {
                let reason = state == .awaitingBanner ? "no AMI banner" : "no response to Login"
                state = .closed
                return [.peerDead(reason)]
            }
            return []
        case .loggedIn:
            if let pending = pendingPing {
                if now.since(pending.sentAt) > configuration.responseTimeout {
                    state = .closed
                    return [.peerDead("no Pong for \(pending.actionID)")]
                }
                return []
            }
            guard now.since(lastPingAt) >= configuration.pingInterval else { return [] }
            let actionID = makeActionID()
            pendingPing = (actionID, now)
            lastPingAt = now
            return [.send(AMIAction.ping(actionID: actionID))]
        }
    }

    /// Ends the session politely (daemon shutdown): the Logoff action to write before closing the socket.
    public mutating func logoff() -> [Output] {
        guard state == .loggedIn else {
            state = .closed
            return []
        }
        state = .closed
        return [.send(AMIAction.logoff(actionID: makeActionID()))]
    }

    private mutating func handleBanner(_ version: String, now: Timestamp) -> [Output] {
        guard state == .awaitingBanner else { return [.protocolError("unexpected AMI banner")] }
        managerVersion = version
        return [sendLogin(now: now)]
    }

    private mutating func sendLogin(now: Timestamp) -> Output {
        let actionID = makeActionID()
        loginActionID = actionID
        state = .awaitingLoginResponse
        waitingSince = now
        return .send(
            AMIAction.login(
                username: configuration.username, secret: configuration.secret, events: "security", actionID: actionID))
    }

    private mutating func handle(_ message: AMIMessage, now: Timestamp) -> [Output] {
        messagesReceived += 1
        var outputs: [Output] = []
        if state == .awaitingBanner {
            // Some proxies strip the banner: the first message still proves a live manager.
            outputs.append(sendLogin(now: now))
        }
        // Asterisk writes `Response:` or `Event:` first. Events may carry a field named Response too
        // (ChallengeResponseFailed: the client's digest), so only the first key decides.
        if let first = message.fields.first, first.key.caseInsensitivelyEquals("Response") {
            return outputs + handleResponse(first.value, message, now: now)
        }
        guard state == .loggedIn else { return outputs }
        switch AMISecurityEventMapper.map(message, messageNumber: messagesReceived, receivedAt: now) {
        case .event(let event): outputs.append(.event(event))
        case .notSecurityEvent: break
        case .injectionSuspected(let reason): outputs.append(.injectionSuspected(reason))
        case .malformed(let reason): outputs.append(.protocolError(reason))
        }
        return outputs
    }

    private mutating func handleResponse(_ response: String, _ message: AMIMessage, now: Timestamp) -> [Output] {
        let actionID = message.value("ActionID")
        if state == .awaitingLoginResponse, actionID == loginActionID {
            if response.caseInsensitivelyEquals("Success") {
                state = .loggedIn
                lastPingAt = now
                return [.loggedIn(managerVersion: managerVersion)]
            }
            state = .closed
            return [.authenticationFailed(message: message.value("Message") ?? response)]
        }
        if let pending = pendingPing, actionID == pending.actionID {
            pendingPing = nil
            lastPingAt = now
            if response.caseInsensitivelyEquals("Success") { return [] }
            return [.protocolError("Ping answered with \(response): \(message.value("Message") ?? "")")]
        }
        return []
    }

    private mutating func makeActionID() -> String {
        defer { nextActionNumber += 1 }
        return "kobrakai-\(nextActionNumber)"
    }
}
