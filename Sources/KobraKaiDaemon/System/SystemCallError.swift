#if canImport(Glibc)
import Glibc
#endif

/// A failed system call: which operation, on what, and the errno, worded so an operator can act on it.
public struct SystemCallError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The call and its subject, e.g. `inotify_add_watch /var/log/asterisk`.
    public var operation: String
    public var errno: Int32

    public init(_ operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    /// Captures the thread's current `errno`; call it right after the failing call.
    static func current(_ operation: String) -> SystemCallError {
        SystemCallError(operation, errno: Glibc.errno)
    }

    public var description: String {
        "\(operation): \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

/// Retries a system call interrupted by a signal (EINTR), the usual POSIX dance, once per place it matters.
@inline(__always)
func retryingOnInterrupt<T: BinaryInteger>(_ call: () -> T) -> T {
    while true {
        let result = call()
        if result >= 0 || Glibc.errno != EINTR { return result }
    }
}
