import KobraKaiCore
import KobraKaiFirewall

/// The AMI client's condition for `kobrakai status`, metrics and tests: a snapshot, taken under a lock.
public struct AMIClientHealth: Sendable, Hashable {
    public enum State: String, Sendable, Hashable {
        /// `run()` has not started yet.
        case starting
        /// Resolving, connecting, or waiting for the banner and the Login response.
        case connecting
        /// Logged in: security events flow.
        case loggedIn = "logged-in"
        /// The connection failed or dropped; waiting `retryDelay` before the next attempt.
        case backingOff = "backing-off"
        /// The manager refused the credentials; waiting (longer) before trying again. Fix and reload.
        case authenticationFailed = "authentication-failed"
        case stopped
    }

    public var state: State = .starting
    /// `host:port` being connected to.
    public var endpoint: String
    /// The version from the banner (`9.0.0` for Asterisk 20), once seen.
    public var managerVersion: String?
    /// The latest failure, worded for an operator, and when it happened (wall clock).
    public var lastError: String?
    public var lastErrorAt: Timestamp?
    /// When the current session logged in (nil unless `state == .loggedIn`).
    public var loggedInSince: Timestamp?
    /// The wait chosen before the next attempt and the ceiling it was drawn under (while backing off).
    public var retryDelay: Duration?
    public var retryCeiling: Duration?
    public var connectionAttempts = 0
    /// Connection attempts after the first.
    public var reconnects = 0
    public var logins = 0
    public var authenticationFailures = 0
    public var eventsDelivered = 0
    /// Messages read from the manager (responses and events of every kind, malformed ones included).
    public var messagesRead = 0
    /// Security events refused because a key appeared twice (attacker CR/LF in an AccountID).
    public var injectionsRefused = 0
    /// Messages skipped by the frame decoder (overlong, oversized, malformed lines).
    public var framingErrors = 0
    /// Security events that could not be mapped (invalid RemoteAddress, …) and odd responses.
    public var protocolErrors = 0

    public init(endpoint: String) { self.endpoint = endpoint }

    /// The health as a control-socket value for `kobrakai status`.
    public var controlValue: ControlValue {
        var object: [String: ControlValue] = [
            "state": .string(state.rawValue),
            "endpoint": .string(endpoint),
            "connection_attempts": .integer(Int64(connectionAttempts)),
            "reconnects": .integer(Int64(reconnects)),
            "logins": .integer(Int64(logins)),
            "authentication_failures": .integer(Int64(authenticationFailures)),
            "events": .integer(Int64(eventsDelivered)),
            "injections_refused": .integer(Int64(injectionsRefused)),
            "framing_errors": .integer(Int64(framingErrors)),
            "protocol_errors": .integer(Int64(protocolErrors)),
        ]
        if let managerVersion { object["manager_version"] = .string(managerVersion) }
        if let lastError { object["last_error"] = .string(lastError) }
        if let lastErrorAt { object["last_error_at_ms"] = .integer(lastErrorAt.millisecondsSinceEpoch) }
        if let loggedInSince { object["logged_in_since_ms"] = .integer(loggedInSince.millisecondsSinceEpoch) }
        if let retryDelay { object["retry_in_ms"] = .integer(retryDelay.milliseconds) }
        return .object(object)
    }
}
