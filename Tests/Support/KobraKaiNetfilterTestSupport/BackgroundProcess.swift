import Foundation
import Glibc

/// A program started with posix_spawn and left running (the daemon under test or benchmarked, a CrowdSec
/// LAPI). Spawn it from a namespace thread so it lives in that network namespace. Test and benchmark
/// support only.
public struct BackgroundProcess: Sendable {
    public let pid: pid_t

    /// Standard error goes to `standardError`, standard output to the same path + `.out`.
    public static func spawn(_ arguments: [String], standardError: String, environment: [String: String]? = nil) throws -> BackgroundProcess {
        let append = O_WRONLY | O_CREAT | O_APPEND
        return BackgroundProcess(pid: try PosixSpawn.start(
            arguments, input: .file("/dev/null", flags: O_RDONLY), output: .file(standardError + ".out", flags: append),
            error: .file(standardError, flags: append), environment: environment))
    }

    /// Standard output and standard error both go to `log`.
    public static func spawn(_ arguments: [String], log: String) throws -> BackgroundProcess {
        BackgroundProcess(pid: try PosixSpawn.start(
            arguments, input: .file("/dev/null", flags: O_RDONLY), output: .file(log, flags: O_WRONLY | O_CREAT | O_APPEND),
            error: .standardOutput, environment: nil))
    }

    public func signal(_ number: Int32) { kill(pid, number) }

    /// True while the child has not exited (and has not been reaped).
    public var isRunning: Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }

    /// Blocks until the process ends (call from a dedicated thread); returns the exit status, or 128+signal.
    public func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return PosixSpawn.exitStatus(status)
    }

    /// SIGTERM, then SIGKILL if it is still there after five seconds; reaps the child. Blocks: call it off
    /// Swift's cooperative pool.
    public func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<100 {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid || reaped < 0 { return }
            usleep(50_000)
        }
        kill(pid, SIGKILL)
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
}
