import Foundation
import Glibc
import KobraKaiAddress
import KobraKaiCore
import KobraKaiDaemon
import KobraKaiFirewall
import KobraKaiNetfilter

/// `make torture`: the release daemon in a private network namespace under everything at once (see
/// TortureReport for what each printed figure means). Exit status 0 when every target passes, 1 otherwise.
@main
struct TortureRun {
    static func main() async {
        do {
            try TortureSetup.enterPrivateNamespace()
            let passed = try await run(settings: try TortureSettings.fromEnvironment())
            exit(passed ? 0 : 1)
        } catch {
            FileHandle.standardError.write(Data("torture: \(error)\n".utf8))
            exit(2)
        }
    }

    static func run(settings: TortureSettings) async throws -> Bool {
        let loadBefore = Self.loadAverage()
        try TortureSetup.prepareNamespace()
        let ami = try AMIAttackDriver()
        let setup = try TortureSetup.make(settings: settings, amiPort: ami.peer.port)
        let firewall = try NftablesFirewall()
        let ledger = BanLedger(firewall: firewall)
        let liveness = DaemonLiveness()
        let journal = try TortureJournal(path: setup.directory + "/torture.log")
        let supervisor = DaemonSupervisor(binary: setup.binary, configPath: setup.configPath, socketPath: setup.socketPath,
                                          errorLog: setup.errorLog, liveness: liveness, journal: journal)
        print("kobrakai torture: \(settings.seconds) s at \(settings.linesPerSecond) lines/s, \(settings.rotationsPerStyle) rotations per style, "
              + "\(settings.floodAddresses) flood sources, \(settings.kills) kills, flush every \(Int(settings.flushEverySeconds)) s, "
              + "\(settings.amiRestarts) AMI restarts\(settings.sabotage == .none ? "" : ", SABOTAGE \(settings.sabotage.rawValue)")")
        print("working directory \(setup.directory) (kept on failure: daemon.err is the daemon's log, torture.log the faults)")
        let watcher = Task { await ami.watch() }
        try await supervisor.start()
        let sampler = Task {
            while !Task.isCancelled {
                await supervisor.sample()
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        let start = ContinuousClock.now
        let deadline = start + .seconds(settings.seconds)

        let writer = AttackLogWriter(settings: settings, path: setup.logPath, liveness: liveness, journal: journal) { address, timeout in
            let until = ContinuousClock.now + timeout
            while ContinuousClock.now < until {
                if (try? await firewall.lookup(address)) != nil { return true }
                try? await Task.sleep(for: .milliseconds(2))
            }
            return false
        }
        let writing = Task { try await writer.run() }
        let amiAttacks = Task { await ami.attack(every: .milliseconds(1000 / settings.amiAttackersPerSecond), until: deadline) }
        let amiRestarts = Task {
            for number in 0..<settings.amiRestarts {
                let at = start + .seconds(Double(settings.seconds) * (Double(number) + 0.7) / Double(settings.amiRestarts))
                try? await Task.sleep(until: at)
                journal.note("AMI restart #\(number + 1)")
                try? await ami.restart(number: number)
            }
        }
        let chaos = ChaosSchedule(settings: settings, start: start, setup: setup, ledger: ledger, supervisor: supervisor,
                                  ami: ami, firewall: firewall, journal: journal)
        let faults = try await chaos.run()
        let written = try await writing.value
        await amiAttacks.value
        await amiRestarts.value

        // Settle: every attacker that must be banned, within 60 s of the last line.
        let amiSummary = ami.summary()
        var key = written.key
        key.mustBan["AMI attacker"] = amiSummary.scored
        key.amiInFlightAtFault = amiSummary.inFlightAtFault
        let everyone = key.mustBan.values.flatMap { $0 }
        let settleStart = ContinuousClock.now
        while ContinuousClock.now - settleStart < .seconds(60) {
            if let missing = await ledger.unbanned(everyone), missing.isEmpty { break }
            try await Task.sleep(for: .seconds(1))
        }
        await ledger.checkpoint("end")
        var missedByKind: [String: [IPAddress]] = [:]
        for (kind, addresses) in key.mustBan {
            missedByKind[kind] = await ledger.unbanned(addresses) ?? addresses
        }
        let straddledBanned = key.straddledKill.count - (await ledger.unbanned(key.straddledKill)?.count ?? key.straddledKill.count)
        await supervisor.sample()
        let stopStatus = await supervisor.stop()
        sampler.cancel()
        watcher.cancel()
        let stateMissing = try await Self.bansMissingFromState(setup: setup, ledger: ledger)
        let report = TortureReport(
            settings: settings, key: key, writer: written, faults: faults, ami: amiSummary,
            usage: await supervisor.usage, missedByKind: missedByKind, lost: await ledger.lost,
            stateMissing: stateMissing, wrongBans: await ledger.wrongBans, checkpoints: await ledger.checkpoints,
            longestRepair: await ledger.longestRepair, largestListing: await ledger.largestListing,
            straddledBanned: straddledBanned, stopStatus: stopStatus, loadBefore: loadBefore, loadAfter: Self.loadAverage())
        let passed = report.print()
        if passed { try? FileManager.default.removeItem(atPath: setup.directory) }
        return passed
    }

    /// Bans the kernel showed at some point and still in force, that the state database does not hold
    /// (a restart would not restore them).
    static func bansMissingFromState(setup: TortureSetup, ledger: BanLedger) async throws -> Int {
        let store = try StateStore(directory: setup.statePath)
        let stored = Set(try await store.unexpiredBans(now: Timestamp.wallClock()).map(\.target))
        return await ledger.everSeenTargets.filter { !stored.contains($0) && BanLedger.forbiddenReason($0) == nil }.count
    }

    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(separator: " ")
    }
}
