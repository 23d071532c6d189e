import Foundation
import KobraKaiAddress
import KobraKaiFirewall
import KobraKaiNetfilter

/// The faults, in time order: `kill -9` and restart (every third one with `nft flush ruleset` while the
/// daemon is down), and `nft flush ruleset` every few seconds. After each, the ban ledger checks that every
/// ban in force came back. One fault at a time: a check can take seconds, and the next fault waits for it.
struct ChaosSchedule: Sendable {
    struct Faults: Sendable {
        var kills = 0
        var flushes = 0
        var flushesWhileDown = 0
        var sabotaged = false
    }

    let settings: TortureSettings
    let start: ContinuousClock.Instant
    let setup: TortureSetup
    let ledger: BanLedger
    let supervisor: DaemonSupervisor
    let ami: AMIAttackDriver
    let firewall: NftablesFirewall
    let journal: TortureJournal

    func run() async throws -> Faults {
        enum Fault { case kill, flush, sabotage }
        let total = Double(settings.seconds)
        var timeline: [(at: Double, fault: Fault)] = []
        for index in 0..<settings.kills { timeline.append((total * (Double(index) + 0.5) / Double(settings.kills), .kill)) }
        var at = settings.flushEverySeconds
        while at < total - 1 {
            timeline.append((at, .flush))
            at += settings.flushEverySeconds
        }
        if settings.sabotage == .banAllowlisted || settings.sabotage == .deleteBan { timeline.append((total / 2, .sabotage)) }
        timeline.sort { $0.at < $1.at }

        var faults = Faults()
        for (at, fault) in timeline {
            try? await Task.sleep(until: start + .seconds(at))
            await ledger.observe()
            switch fault {
            case .kill:
                faults.kills += 1
                journal.note("kill -9 #\(faults.kills)")
                await supervisor.kill9()
                ami.noteFault()
                if faults.kills % 3 == 0 {
                    _ = try setup.nft(["flush", "ruleset"])
                    faults.flushes += 1
                    journal.note("nft flush ruleset #\(faults.flushes) while the daemon is down")
                    faults.flushesWhileDown += 1
                }
                try await supervisor.start()
                journal.note("daemon ready again")
                await ledger.checkpoint("kill #\(faults.kills)")
            case .flush:
                guard try setup.nft(["flush", "ruleset"]) == 0 else { throw TortureError("nft flush ruleset failed") }
                faults.flushes += 1
                journal.note("nft flush ruleset #\(faults.flushes)")
                await supervisor.noteFault("flush #\(faults.flushes)")
                await ledger.checkpoint("flush #\(faults.flushes)")
            case .sabotage:
                try await sabotage()
                faults.sabotaged = true
                await ledger.checkpoint("sabotage")
            }
        }
        return faults
    }

    /// The deliberately broken conditions that prove the checks can fail.
    private func sabotage() async throws {
        switch settings.sabotage {
        case .banAllowlisted:
            _ = try await firewall.ban([BanRequest(target: IPPrefix(host: AddressPlan.lanPhone(0)), timeout: .seconds(600), comment: "sabotage")])
        case .deleteBan:
            // A ban the daemon made, removed behind its back (no flush, so no repair is triggered).
            if let victim = try await firewall.list().first(where: { AddressPlan.forbiddenReason($0.target.network) == nil }) {
                try await firewall.unban([victim.target])
            }
        case .none, .highThreshold:
            break
        }
    }
}
