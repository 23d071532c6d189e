import Foundation
import Glibc
import KobraKaiDaemon
import KobraKaiNetfilterTestSupport

/// Starts `kobrakai run`, kills it with SIGKILL and restarts it, and measures every incarnation from /proc:
/// peak resident memory (VmHWM) and CPU time (utime + stime), sampled every 250 ms and just before a kill.
actor DaemonSupervisor {
    struct Usage: Sendable {
        var peakResidentKB = 0
        /// VmRSS of the last sample (at the end: just before the final SIGTERM).
        var lastResidentKB = 0
        /// CPU seconds over all incarnations.
        var cpuSeconds = 0.0
        /// Seconds the daemon was running (spawn to kill or stop), over all incarnations.
        var runningSeconds = 0.0
        var incarnations = 0
        var longestStartup = Duration.zero
    }

    private let arguments: [String]
    private let errorLog: String
    private let socketPath: String
    private let liveness: DaemonLiveness
    private var process: BackgroundProcess?
    private var spawnedAt = ContinuousClock.now
    private var lastCPUSeconds = 0.0
    private(set) var usage = Usage()
    private let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    init(binary: String, configPath: String, socketPath: String, errorLog: String, liveness: DaemonLiveness) {
        arguments = [binary, "run", "--config", configPath]
        self.errorLog = errorLog
        self.socketPath = socketPath
        self.liveness = liveness
    }

    var pid: pid_t? { process?.pid }

    /// Spawns the daemon and waits (up to 60 s) until its control socket answers `status`.
    func start() async throws {
        let started = ContinuousClock.now
        let child = try BackgroundProcess.spawn(arguments, standardError: errorLog)
        process = child
        spawnedAt = started
        lastCPUSeconds = 0
        usage.incarnations += 1
        while ContinuousClock.now - started < .seconds(60) {
            if !child.isRunning { throw TortureError("the daemon exited during start-up; see \(errorLog)") }
            if (try? ControlClient(path: socketPath, timeout: .seconds(5)).send(ControlRequest(command: .status)))?.ok == true {
                usage.longestStartup = max(usage.longestStartup, ContinuousClock.now - started)
                liveness.markUp()
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TortureError("the daemon did not answer on \(socketPath) within 60 s")
    }

    /// SIGKILL, as a crash or the OOM killer would; the samples taken just before count.
    func kill9() {
        guard let child = process else { return }
        sample()
        liveness.markDown()
        child.signal(SIGKILL)
        _ = child.wait()
        retire()
    }

    /// SIGTERM at the end of the run; returns the exit status.
    func stop() -> Int32 {
        guard let child = process else { return -1 }
        sample()
        liveness.markDown()
        child.signal(SIGTERM)
        let status = child.wait()
        retire()
        return status
    }

    /// Reads VmHWM and utime+stime of the running incarnation.
    func sample() {
        guard let pid = process?.pid else { return }
        if let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) {
            func kilobytes(_ field: String) -> Int? {
                status.split(separator: "\n").first { $0.hasPrefix(field) }
                    .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") }
            }
            if let peak = kilobytes("VmHWM:") { usage.peakResidentKB = max(usage.peakResidentKB, peak) }
            if let resident = kilobytes("VmRSS:") { usage.lastResidentKB = resident }
        }
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
           let afterName = stat.range(of: ") ", options: .backwards)
        {
            // Fields after "(comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12.
            let fields = stat[afterName.upperBound...].split(separator: " ")
            if fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) {
                lastCPUSeconds = (user + system) / ticksPerSecond
            }
        }
    }

    private func retire() {
        usage.cpuSeconds += lastCPUSeconds
        usage.runningSeconds += (ContinuousClock.now - spawnedAt).seconds
        lastCPUSeconds = 0
        process = nil
    }
}
