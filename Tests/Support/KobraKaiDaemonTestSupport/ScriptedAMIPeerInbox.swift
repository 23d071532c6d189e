#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Commands from tests to the peer's thread, behind a lock, with a pipe to wake its `poll`.
final class ScriptedAMIPeerInbox: Sendable {
    enum Command: Sendable {
        case send(bytes: [UInt8], chunkSize: Int, pause: Duration, toUnauthenticated: Bool)
        case disconnectAll
        case stopListening(@Sendable () -> Void)
        case startListening(@Sendable (ScriptedAMIPeer.PeerError?) -> Void)
        case shutdown(@Sendable () -> Void)
    }

    private struct Locked {
        var commands: [Command] = []
        var answersPings = true
    }

    private let locked = Mutex(Locked())
    let wakeDescriptor: Int32
    private let wakeWriteEnd: Int32

    init() throws(ScriptedAMIPeer.PeerError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw .init(operation: "pipe", errno: errno) }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        wakeDescriptor = ends[0]
        wakeWriteEnd = ends[1]
    }

    deinit {
        close(wakeDescriptor)
        close(wakeWriteEnd)
    }

    var answersPings: Bool {
        get { locked.withLock { $0.answersPings } }
        set { locked.withLock { $0.answersPings = newValue } }
    }

    func post(_ command: Command) {
        locked.withLock { $0.commands.append(command) }
        var byte: UInt8 = 1
        _ = write(wakeWriteEnd, &byte, 1)
    }

    func take() -> [Command] {
        var bytes = [UInt8](repeating: 0, count: 64)
        while bytes.withUnsafeMutableBytes({ read(wakeDescriptor, $0.baseAddress, $0.count) }) > 0 {}
        return locked.withLock { state in
            defer { state.commands.removeAll() }
            return state.commands
        }
    }
}
