import Foundation
import Glibc
import KobraKaiDaemon
import KobraKaiNetfilterTestSupport

/// Starts `kobrakai run`, kills it with SIGKILL and restarts it, and measures every incarnation from /proc:
/// peak resident memory (VmHWM) and CPU time (utime + stime), sampled every 100 ms and just before a kill.
///
/// Where the peak happens is measured too: each incarnation's VmHWM rises are noted in torture.log (every
/// 2 MB, with the time since the incarnation's start and the last fault before), and the table names the
/// incarnation and moment of the highest one.
actor DaemonSupervisor {
    struct Usage: Sendable {
        var peakResidentKB = 0
        /// Where the highest VmHWM was reached: incarnation number, time after its start, last fault before it.
        var peakIncarnation = 0
        var peakAfterStart = Duration.zero
        var peakAfterFault: (label: String, after: Duration)?
        /// VmRSS of the first incarnation when it first answered (no bans, no load yet): the fixed cost.
        var readyResidentKB = 0
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
    private let journal: TortureJournal
    /// This incarnation's VmHWM, and the value last noted in torture.log.
    private var incarnationPeakKB = 0
    private var notedPeakKB = 0
    private var lastFault: (label: String, at: ContinuousClock.Instant)?

    init(binary: String, configPath: String, socketPath: String, errorLog: String, liveness: DaemonLiveness,
         journal: TortureJournal)
    {
        arguments = [binary, "run", "--config", configPath]
        self.errorLog = errorLog
        self.socketPath = socketPath
        self.liveness = liveness
        self.journal = journal
    }

    /// A fault the next VmHWM rises are attributed to (the kill before a start is recorded by `kill9`).
    func noteFault(_ label: String) {
        lastFault = (label, ContinuousClock.now)
    }

    var pid: pid_t? { process?.pid }

    /// Spawns the daemon and waits (up to 60 s) until its control socket answers `status`.
    func start() async throws {
        let started = ContinuousClock.now
        let child = try BackgroundProcess.spawn(arguments, standardError: errorLog)
        process = child
        spawnedAt = started
        lastCPUSeconds = 0
        incarnationPeakKB = 0
        notedPeakKB = 0
        usage.incarnations += 1
        while ContinuousClock.now - started < .seconds(60) {
            if !child.isRunning { throw TortureError("the daemon exited during start-up; see \(errorLog)") }
            if (try? ControlClient(path: socketPath, timeout: .seconds(5)).send(ControlRequest(command: .status)))?.ok == true {
                usage.longestStartup = max(usage.longestStartup, ContinuousClock.now - started)
                liveness.markUp()
                if usage.incarnations == 1 {
                    sample()
                    usage.readyResidentKB = usage.lastResidentKB
                }
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
        noteFault("kill -9 #\(liveness.kills)")
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
            if let peak = kilobytes("VmHWM:"), peak > incarnationPeakKB {
                incarnationPeakKB = peak
                notePeak(peak)
            }
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

    /// Records a VmHWM rise: in the usage when it is the highest so far, in torture.log every 2 MB.
    private func notePeak(_ peak: Int) {
        let now = ContinuousClock.now
        let afterFault = lastFault.map { ($0.label, now - $0.at) }
        if peak > usage.peakResidentKB {
            usage.peakResidentKB = peak
            usage.peakIncarnation = usage.incarnations
            usage.peakAfterStart = now - spawnedAt
            usage.peakAfterFault = afterFault
        }
        guard peak >= notedPeakKB + 2048 else { return }
        notedPeakKB = peak
        let fault = afterFault.map { String(format: ", %.2f s after %@", $0.1.seconds, $0.0) } ?? ""
        journal.note(String(format: "VmHWM %.1f MB (incarnation %d, %.2f s after its start%@)",
                            Double(peak) / 1024, usage.incarnations, (now - spawnedAt).seconds, fault))
    }

    private func retire() {
        journal.note(String(format: "incarnation %d ends: VmHWM %.1f MB, VmRSS %.1f MB", usage.incarnations,
                            Double(incarnationPeakKB) / 1024, Double(usage.lastResidentKB) / 1024))
        usage.cpuSeconds += lastCPUSeconds
        usage.runningSeconds += (ContinuousClock.now - spawnedAt).seconds
        lastCPUSeconds = 0
        process = nil
    }
}
