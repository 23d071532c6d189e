#if canImport(Glibc)
import Glibc
#endif

/// Speaks systemd's notify protocol directly (no libsystemd): newline-separated `KEY=VALUE` datagrams to
/// the Unix socket named by `$NOTIFY_SOCKET`, a path or an abstract name starting with `@`.
///
/// Outside systemd (no `$NOTIFY_SOCKET`) every call is a no-op, so the daemon calls it unconditionally.
public struct SystemdNotifier: Hashable, Sendable {
    /// The socket to notify, or `nil` when not started by systemd with `Type=notify`.
    public let socketPath: String?
    /// How often to send `WATCHDOG=1`: half of `$WATCHDOG_USEC`, as sd_watchdog_enabled(3) advises; `nil`
    /// when the unit has no `WatchdogSec=` or `$WATCHDOG_PID` names another process.
    public let watchdogInterval: Duration?

    public init(socketPath: String?, watchdogInterval: Duration?) {
        self.socketPath = socketPath.flatMap { $0.isEmpty ? nil : $0 }
        self.watchdogInterval = watchdogInterval
    }

    /// Reads `$NOTIFY_SOCKET`, `$WATCHDOG_USEC` and `$WATCHDOG_PID`.
    public static func fromEnvironment() -> SystemdNotifier {
        fromEnvironment { name in getenv(name).map { String(cString: $0) } }
    }

    /// The same from any variable source (tests).
    public static func fromEnvironment(_ variable: (String) -> String?) -> SystemdNotifier {
        var interval: Duration?
        if let text = variable("WATCHDOG_USEC"), let microseconds = Int64(text), microseconds > 0 {
            let pidMatches = variable("WATCHDOG_PID").flatMap { Int32($0) }.map { $0 == getpid() } ?? true
            if pidMatches { interval = .microseconds(microseconds / 2) }
        }
        return SystemdNotifier(socketPath: variable("NOTIFY_SOCKET"), watchdogInterval: interval)
    }

    public var isEnabled: Bool { socketPath != nil }

    /// Start-up finished: bans restored, files followed, control socket listening.
    public func ready(status: String? = nil) throws(SystemCallError) {
        try send(["READY=1"] + (status.map { ["STATUS=\($0)"] } ?? []))
    }

    /// A one-line status `systemctl status` shows.
    public func status(_ text: String) throws(SystemCallError) { try send(["STATUS=\(text)"]) }

    /// "Still alive" for `WatchdogSec=`.
    public func watchdog() throws(SystemCallError) { try send(["WATCHDOG=1"]) }

    /// Reloading the configuration; follow with `ready()` when done.
    public func reloading() throws(SystemCallError) {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let microseconds = Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
        try send(["RELOADING=1", "MONOTONIC_USEC=\(microseconds)"])
    }

    /// Shutting down: systemd stops expecting watchdog pings.
    public func stopping() throws(SystemCallError) { try send(["STOPPING=1"]) }

    /// Sends one datagram with the given assignments (newlines inside values are not allowed by the
    /// protocol and are replaced by spaces).
    public func send(_ assignments: [String]) throws(SystemCallError) {
        guard let socketPath else { return }
        let message = assignments.map { String($0.map { $0 == "\n" ? " " : $0 }) }.joined(separator: "\n")
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .current("socket for NOTIFY_SOCKET") }
        defer { close(descriptor) }
        let bytes = Array(message.utf8)
        let sent = try UnixSocketAddress.withAddress(socketPath) { address, length in
            bytes.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), address, length) }
        }
        guard sent == bytes.count else { throw .current("sendto \(socketPath)") }
    }
}
