import Foundation
import KobraKaiAddress

/// The one table `make torture` prints, with the definition of every measure next to it.
struct TortureReport {
    let settings: TortureSettings
    let key: AnswerKey
    let writer: AttackLogWriter.Outcome
    let faults: ChaosSchedule.Faults
    let ami: AMIAttackDriver.Summary
    let usage: DaemonSupervisor.Usage
    let missedByKind: [String: [IPAddress]]
    let lost: [IPPrefix: String]
    let stateMissing: Int
    let wrongBans: Set<BanLedger.WrongBan>
    let checkpoints: Int
    let longestRepair: Duration
    let largestListing: Int
    let straddledBanned: Int
    let stopStatus: Int32
    let loadBefore: String
    let loadAfter: String

    /// Prints the table; returns whether every target passed.
    func print() -> Bool {
        let missed = missedByKind.values.reduce(0) { $0 + $1.count }
        let peakMB = Double(usage.peakResidentKB) / 1024
        let targets = [missed == 0, lost.isEmpty && stateMissing == 0, wrongBans.isEmpty, peakMB < 100]
        var rows: [(String, String, String, String)] = []
        func verdict(_ passed: Bool) -> String { passed ? "PASS" : "FAIL" }
        rows.append(("events missed: scored attackers not banned at the end", "\(missed) of \(key.mustBanCount)", "0", verdict(targets[0])))
        for kind in ["log attacker", "sentinel", "flood high-severity", "AMI attacker"] {
            let total = key.mustBan[kind]?.count ?? 0
            rows.append(("  \(kind == "flood high-severity" ? "flood high-severity sources" : kind + "s")", "\(missedByKind[kind]?.count ?? 0) of \(total)", "", ""))
        }
        rows.append(("  not scored: AMI attackers sent within 1.5 s of a fault", "\(key.amiInFlightAtFault)", "", ""))
        rows.append(("  not scored: log attackers written across a kill (banned anyway)",
                     "\(key.straddledKill.count) (\(straddledBanned))", "", ""))
        rows.append(("bans lost: in force, then missing 30 s after a kill or flush", "\(lost.count) of \(largestListing) (\(checkpoints) checks)", "0", verdict(lost.isEmpty)))
        rows.append(("bans lost: in the kernel, missing from the state DB at the end", "\(stateMissing)", "0", verdict(stateMissing == 0)))
        rows.append(("wrong bans: allowlisted, own, injected-victim, flood single-event", "\(wrongBans.count)", "0", verdict(targets[2])))
        rows.append(("peak memory: daemon VmHWM, highest incarnation", String(format: "%.1f MB", peakMB), "< 100 MB", verdict(targets[3])))
        let fault = usage.peakAfterFault.map { String(format: ", %.2f s after %@", $0.after.seconds, $0.label) } ?? ""
        rows.append(("  reached in incarnation (of all), time after its start, last fault before",
                     String(format: "%d of %d, %.2f s%@", usage.peakIncarnation, usage.incarnations, usage.peakAfterStart.seconds, fault), "", ""))
        rows.append(("  resident when first ready (no bans, no load yet)", String(format: "%.1f MB", Double(usage.readyResidentKB) / 1024), "", ""))
        rows.append(("  resident at the end (VmRSS before the final SIGTERM)", String(format: "%.1f MB", Double(usage.lastResidentKB) / 1024), "", ""))
        let cpu = usage.runningSeconds > 0 ? usage.cpuSeconds / usage.runningSeconds * 100 : 0
        rows.append(("daemon CPU: (utime+stime) / wall time running, all incarnations",
                     String(format: "%.0f %% of one core (%.0f s / %.0f s)", cpu, usage.cpuSeconds, usage.runningSeconds), "", "info"))
        let styles = AttackLogWriter.styles.map { "\(writer.rotations[$0] ?? 0)" }.joined(separator: " / ")
        rows.append(("rotations: rename+create / copytruncate / delete+re-create", styles, "\(settings.rotationsPerStyle) each",
                     "info"))
        rows.append(("  drain waits over 10 s (rotated anyway) / postponed ticks / longest wait",
                     "\(writer.laggedRotations) / \(writer.postponedRotations) / \(format(writer.longestDrainWait))", "", ""))
        rows.append(("kills: kill -9 then restart", "\(faults.kills) (longest start-up \(format(usage.longestStartup)))", "", "info"))
        rows.append(("flushes: nft flush ruleset (while the daemon was down)", "\(faults.flushes) (\(faults.flushesWhileDown))", "", "info"))
        rows.append(("  longest wait for every ban to be back", format(longestRepair), "", ""))
        rows.append(("AMI restarts: drops + listener restarts (daemon logins)", "\(ami.restarts) (\(ami.logins))", "", "info"))
        let rate = Double(key.totalLines) / writer.elapsed.seconds
        rows.append(("lines written (achieved rate)", "\(key.totalLines) (\(Int(rate)) lines/s)", "\(settings.linesPerSecond)/s", "info"))
        rows.append(("daemon exit status after SIGTERM at the end", "\(stopStatus)", "0", verdict(stopStatus == 0)))

        let widths = (0..<3).map { column in rows.map { [$0.0, $0.1, $0.2][column].count }.max() ?? 0 }
        Swift.print("")
        Swift.print("kobrakai torture: \(ProcessInfo.processInfo.activeProcessorCount) cores, load average \(loadBefore) before, \(loadAfter) after")
        for row in rows {
            Swift.print(pad(row.0, widths[0]) + "  " + pad(row.1, widths[1]) + "  " + pad(row.2, widths[2]) + "  " + row.3)
        }
        Swift.print("lines by kind: " + key.lines.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        for (target, label) in lost.sorted(by: { $0.key < $1.key }).prefix(10) { Swift.print("  lost: \(target) at \(label)") }
        for wrong in wrongBans.sorted(by: { $0.target < $1.target }).prefix(10) { Swift.print("  wrong ban: \(wrong.target) (\(wrong.reason))") }
        for (kind, addresses) in missedByKind where !addresses.isEmpty {
            Swift.print("  missed \(kind): " + addresses.prefix(8).map(\.description).joined(separator: ", "))
        }
        let passed = targets.allSatisfy { $0 } && stopStatus == 0
        Swift.print(passed ? "torture: PASS" : "torture: FAIL")
        return passed
    }

    private func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
    private func format(_ duration: Duration) -> String { String(format: "%.2f s", duration.seconds) }
}
