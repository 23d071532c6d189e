import Synchronization

/// Whether the daemon is running, shared by the supervisor (kills and restarts) and the log writer
/// (which must not rotate twice while the daemon is down: it resumes one rotated generation, `path.1`,
/// as logrotate leaves it, and a second rotation while it is down would push unread lines to `path.2`).
final class DaemonLiveness: Sendable {
    private struct State {
        var isUp = false
        var rotationsWhileDown = 0
        var kills = 0
        var lastRotation: ContinuousClock.Instant?
    }

    /// A rotation this recent when the daemon goes down may not have been noticed by it yet (the follower
    /// switches files on an inotify event and a read), so it counts as a rotation while down. Without this,
    /// a kill landing just after a delete + re-create let a rename follow while the daemon was down: two
    /// rotations it never saw, and the lines caught up in between sat unread at `path.1` (runs at 10:49
    /// and 10:58 on 2026-11-22: 212 and 625 flood sources missed; the harness's own drain check, queued
    /// behind its pre-kill listing on the same netlink actor, made such kills land within milliseconds).
    static let unseenRotationWindow = Duration.seconds(2)
    private let state = Mutex(State())

    var isUp: Bool { state.withLock { $0.isUp } }

    /// How many times the daemon went down so far (an attack spanning a change straddled a kill).
    var kills: Int { state.withLock { $0.kills } }

    func markDown() {
        state.withLock { state in
            state.isUp = false
            let unseen = state.lastRotation.map { ContinuousClock.now - $0 < Self.unseenRotationWindow } ?? false
            state.rotationsWhileDown = unseen ? 1 : 0
            state.kills += 1
        }
    }

    /// Called by the writer after every rotation.
    func noteRotation() { state.withLock { $0.lastRotation = .now } }
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
