#if canImport(Glibc)
import Glibc
#endif

/// A self-pipe that a blocked `poll` watches next to its real descriptors, so that cancellation and graceful
/// shutdown can interrupt a thread sleeping in the kernel without a timeout (no polling loop).
///
/// Once signalled it stays readable until `drain()`: every later wait returns at once, which makes stopping
/// sticky. A worker that is rung for other reasons too (the AMI client's reload) drains after each wake; the
/// reason lives in the caller's locked state, so coalesced signals lose nothing.
/// (Glibc's Swift module does not export `eventfd`, hence a pipe.)
final class WakeSignal: Sendable {
    /// The end to poll for `POLLIN`.
    let descriptor: Int32
    private let writeEnd: Int32

    init() throws(SystemCallError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw .current("pipe") }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        descriptor = ends[0]
        writeEnd = ends[1]
    }

    /// Wakes every current and future waiter. Safe from any thread, any number of times.
    func signal() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)  // a full pipe (EAGAIN) is already readable: nothing lost
    }

    /// Empties the pipe, so that the next wait blocks again.
    func drain() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while bytes.withUnsafeMutableBytes({ read(descriptor, $0.baseAddress, $0.count) }) > 0 {}
    }

    var isSignalled: Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 1
    }

    deinit {
        close(descriptor)
        close(writeEnd)
    }
}
