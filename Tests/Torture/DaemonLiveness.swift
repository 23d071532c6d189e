import Synchronization

/// Whether the daemon is running, shared by the supervisor (kills and restarts) and the log writer
/// (which must not rotate twice while the daemon is down: it resumes one rotated generation, `path.1`,
/// as logrotate leaves it, and a second rotation while it is down would push unread lines to `path.2`).
final class DaemonLiveness: Sendable {
    private struct State {
        var isUp = false
        var rotationsWhileDown = 0
        var kills = 0
    }
    private let state = Mutex(State())

    var isUp: Bool { state.withLock { $0.isUp } }

    /// How many times the daemon went down so far (an attack spanning a change straddled a kill).
    var kills: Int { state.withLock { $0.kills } }

    func markDown() {
        state.withLock { state in
            state.isUp = false
            state.rotationsWhileDown = 0
            state.kills += 1
        }
    }
    func markUp() { state.withLock { $0.isUp = true } }

    /// Whether a rename rotation may happen now; counts it when it may.
    func claimRenameRotation() -> Bool {
        state.withLock { state in
            if state.isUp { return true }
            guard state.rotationsWhileDown == 0 else { return false }
            state.rotationsWhileDown += 1
            return true
        }
    }
}
