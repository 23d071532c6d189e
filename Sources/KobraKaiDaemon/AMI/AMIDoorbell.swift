#if canImport(Glibc)
import Glibc
#endif

/// Wakes the AMI worker thread out of `poll` (stop, reload). Unlike `WakeSignal` it is drained after each
/// ring, because a reload must not leave the descriptor readable for ever; the reason for the ring lives in
/// the service's locked state, so coalesced rings lose nothing.
final class AMIDoorbell: Sendable {
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

    /// Safe from any thread; a full pipe (EAGAIN) is already readable, so nothing is lost.
    func ring() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Empties the pipe; called by the worker after it woke.
    func drain() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while bytes.withUnsafeMutableBytes({ read(descriptor, $0.baseAddress, $0.count) }) > 0 {}
    }

    deinit {
        close(descriptor)
        close(writeEnd)
    }
}
