import Foundation
import KobraKaiAddress
import KobraKaiDaemonTestSupport
import Synchronization

/// A scripted Asterisk manager that the daemon logs in to, sending security events for AMI attackers of
/// its own, and that drops its connections or restarts its listener on schedule.
///
/// An AMI attacker is scored (must be banned) when its six events went to a logged-in connection and no
/// fault (daemon kill, AMI disconnect or restart) happened from 0.2 s before to 1.5 s after the send: the
/// manager protocol has no replay, so events in flight when a connection dies are lost by design.
final class AMIAttackDriver: Sendable {
    static let username = "kobrakai"
    static let secret = "torture-secret"
    let peer: ScriptedAMIPeer
    private struct State {
        var loggedIn: Int?
        var logins = 0
        var sent: [(address: IPAddress, at: ContinuousClock.Instant)] = []
        var faults: [ContinuousClock.Instant] = []
        var restarts = 0
        var skippedWhileDisconnected = 0
    }
    private let state = Mutex(State())

    init() throws {
        var behaviour = ScriptedAMIPeer.Behaviour(username: Self.username, secret: Self.secret)
        behaviour.refusalDelay = .milliseconds(10)
        peer = try ScriptedAMIPeer(behaviour: behaviour)
    }

    /// Follows the peer's happenings (logins, client closes) until cancelled.
    func watch() async {
        for await happening in peer.happenings {
            state.withLock { state in
                switch happening {
                case .loginAccepted(let connection, _):
                    state.loggedIn = connection
                    state.logins += 1
                case .closedByClient(let connection), .loggedOff(let connection):
                    if state.loggedIn == connection { state.loggedIn = nil }
                default: break
                }
            }
        }
    }

    /// Sends one attacker's events every `interval` until `deadline`.
    func attack(every interval: Duration, until deadline: ContinuousClock.Instant) async {
        var index = 0
        while ContinuousClock.now < deadline {
            let address = AddressPlan.amiAttacker(index)
            let connected = state.withLock { $0.loggedIn != nil }
            if connected {
                var text = ""
                for attempt in 0..<6 {
                    text += AsteriskSecurityEvent.challengeResponseFailed(
                        from: "IPV4/UDP/\(address)/5060", account: "\(600 + attempt)").text
                }
                peer.send(text)
                state.withLock { $0.sent.append((address, ContinuousClock.now)) }
                index += 1
            } else {
                state.withLock { $0.skippedWhileDisconnected += 1 }
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// A daemon kill (the supervisor reports it): events sent around it may be lost.
    func noteFault() { state.withLock { $0.faults.append(ContinuousClock.now); $0.loggedIn = nil } }

    /// Alternates a dropped connection (Asterisk crashing, listener up) with a listener restart (down 2 s).
    func restart(number: Int) async throws {
        noteFault()
        if number % 2 == 0 {
            peer.disconnectAll()
        } else {
            await peer.stopListening()
            try await Task.sleep(for: .seconds(2))
            try await peer.startListening()
        }
        state.withLock { $0.restarts += 1 }
    }

    struct Summary: Sendable {
        var scored: [IPAddress]
        var inFlightAtFault: Int
        var restarts: Int
        var logins: Int
        var skippedWhileDisconnected: Int
    }

    func summary() -> Summary {
        state.withLock { state in
            var scored: [IPAddress] = []
            var inFlight = 0
            for (address, at) in state.sent {
                if state.faults.contains(where: { $0 > at - .milliseconds(200) && $0 < at + .milliseconds(1500) }) {
                    inFlight += 1
                } else {
                    scored.append(address)
                }
            }
            return Summary(scored: scored, inFlightAtFault: inFlight, restarts: state.restarts, logins: state.logins,
                           skippedWhileDisconnected: state.skippedWhileDisconnected)
        }
    }
}
