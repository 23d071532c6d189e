import Foundation
import Glibc
import KobraKaiAddress

/// Writes the attack log at the configured rate, in one `write` per 10 ms tick, and rotates it on a fixed
/// schedule in three styles (rename + create, copytruncate, delete + re-create), keeping the answer key.
///
/// Copytruncate and delete destroy whatever the follower has not read yet (logrotate documents the
/// copytruncate loss; a deleted file's unread tail is gone once no one holds it). So, like a careful
/// operator's `prerotate` step, the writer first appends a sentinel line (a high-severity event from an
/// address of its own) and waits until the sentinel is banned, which proves the daemon has read up to
/// there; if that takes longer than `drainTimeout`, the rotation happens anyway and is counted as lagged.
final class AttackLogWriter {
    struct Outcome: Sendable {
        var key: AnswerKey
        var rotations: [String: Int]
        var laggedRotations: Int
        var postponedRotations: Int
        var longestDrainWait: Duration
        var elapsed: Duration
    }

    static let styles = ["rename+create", "copytruncate", "delete+re-create"]
    private let settings: TortureSettings
    private let path: String
    private let liveness: DaemonLiveness
    private let journal: TortureJournal
    private let waitForBan: @Sendable (IPAddress, Duration) async -> Bool
    private let drainTimeout = Duration.seconds(10)
    private var descriptor: Int32 = -1
    private var key = AnswerKey()
    private var rotations: [String: Int] = [:]
    private var laggedRotations = 0
    private var postponedRotations = 0
    private var longestDrainWait = Duration.zero
    private var sequence = 0
    private var sentinels = 0

    init(settings: TortureSettings, path: String, liveness: DaemonLiveness, journal: TortureJournal,
         waitForBan: @escaping @Sendable (IPAddress, Duration) async -> Bool) {
        self.settings = settings
        self.path = path
        self.liveness = liveness
        self.journal = journal
        self.waitForBan = waitForBan
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Runs for `settings.seconds`; returns what was written.
    func run() async throws -> Outcome {
        try reopen()
        let clock = ContinuousClock()
        let start = clock.now
        let total = Double(settings.seconds)
        let rotationCount = settings.rotationsPerStyle * Self.styles.count
        let rotationInterval = rotationCount > 0 ? total / Double(rotationCount + 1) : .infinity
        var rotationsDone = 0
        var finalTickWritten = false
        var written = 0
        var attackersStarted = 0, injectorsStarted = 0, floodWritten = 0, lanWritten = 0
        var activeAttackers: [(address: IPAddress, shape: Int, linesLeft: Int, kills: Int)] = []
        var activeInjectors: [(address: IPAddress, victim: IPAddress, shape: Int, linesLeft: Int)] = []
        let floodPerSecond = Double(settings.floodAddresses) / total
        let lanPerSecond = 200.0

        while true {
            // Past the end, lines stop (every due line is written by the last tick) and only rotations
            // that slipped behind (drain waits, the daemon down) are caught up, for at most 30 s.
            let realElapsed = (clock.now - start).seconds
            let elapsed = min(realElapsed, total)
            if finalTickWritten && (rotationsDone >= rotationCount || realElapsed >= total + 30) { break }
            finalTickWritten = realElapsed >= total
            let stamp = Self.stamp()
            var chunk = ""
            chunk.reserveCapacity(256 * 200)
            var lines = 0
            // Attackers: each writes eight lines, one per tick, so a rotation often splits an attack.
            while Double(attackersStarted) < elapsed * Double(settings.logAttackersPerSecond) {
                let address = AddressPlan.logAttacker(attackersStarted)
                activeAttackers.append((address, attackersStarted % AsteriskLines.attackShapes, 8, liveness.kills))
                attackersStarted += 1
            }
            for index in activeAttackers.indices {
                chunk += AsteriskLines.attack(shape: activeAttackers[index].shape, stamp: stamp,
                                              address: activeAttackers[index].address, sequence: sequence)
                sequence += 1
                activeAttackers[index].linesLeft -= 1
                lines += 1
                key.countLines("attack")
            }
            for attacker in activeAttackers where attacker.linesLeft == 0 {
                if attacker.kills == liveness.kills {
                    key.expectBan(attacker.address, kind: "log attacker")
                } else {
                    key.straddledKill.append(attacker.address)
                }
            }
            activeAttackers.removeAll { $0.linesLeft == 0 }
            // Injection: two writers a second, six lines each naming the same victim.
            while Double(injectorsStarted) < elapsed * 2 {
                activeInjectors.append((AddressPlan.injector(injectorsStarted), AddressPlan.victim(injectorsStarted),
                                        injectorsStarted % AsteriskLines.injectionShapes, 6))
                injectorsStarted += 1
            }
            for index in activeInjectors.indices {
                let injector = activeInjectors[index]
                chunk += AsteriskLines.injection(shape: injector.shape, stamp: stamp, attacker: injector.address, victim: injector.victim)
                activeInjectors[index].linesLeft -= 1
                lines += 1
                key.countLines("injection")
            }
            activeInjectors.removeAll { $0.linesLeft == 0 }
            while Double(lanWritten) < elapsed * lanPerSecond {
                chunk += AsteriskLines.lanFailure(stamp: stamp, address: AddressPlan.lanPhone(lanWritten), sequence: lanWritten)
                lanWritten += 1
                lines += 1
                key.countLines("allowlisted LAN phone")
            }
            while Double(floodWritten) < elapsed * floodPerSecond, floodWritten < settings.floodAddresses {
                let address = AddressPlan.flood(floodWritten)
                if AddressPlan.floodIsBanned(floodWritten) {
                    chunk += AsteriskLines.failedACL(stamp: stamp, address: address)
                    key.expectBan(address, kind: "flood high-severity")
                } else {
                    chunk += AsteriskLines.attack(shape: floodWritten % AsteriskLines.attackShapes, stamp: stamp, address: address, sequence: floodWritten)
                }
                floodWritten += 1
                lines += 1
                key.countLines("flood")
            }
            let due = Int(elapsed * Double(settings.linesPerSecond)) - written - lines
            for _ in 0..<max(0, due) {
                chunk += AsteriskLines.noise(stamp: stamp, sequence: sequence)
                sequence += 1
                lines += 1
                key.countLines("noise")
            }
            try append(chunk)
            written += lines

            if rotationsDone < rotationCount, Double(rotationsDone + 1) * rotationInterval <= max(elapsed, realElapsed) {
                if try await rotate(style: Self.styles[rotationsDone % Self.styles.count]) {
                    rotationsDone += 1
                } else {
                    postponedRotations += 1
                }
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return Outcome(key: key, rotations: rotations, laggedRotations: laggedRotations, postponedRotations: postponedRotations,
                       longestDrainWait: longestDrainWait, elapsed: .seconds(total))
    }

    // MARK: Rotation

    /// Returns false when the rotation must wait (a second rename while the daemon is down).
    private func rotate(style: String) async throws -> Bool {
        switch style {
        case "rename+create":
            guard liveness.claimRenameRotation() else { return false }
            shiftGenerations()
            try check(rename(path, path + ".1"), "rename \(path)")
            try reopen(creating: true)
        case "copytruncate":
            guard liveness.isUp else { return false }
            await drain()
            shiftGenerations()
            try copy(path, to: path + ".1")
            try check(ftruncate(descriptor, 0), "ftruncate \(path)")
        default:
            guard liveness.isUp else { return false }
            await drain()
            try check(unlink(path), "unlink \(path)")
            try reopen(creating: true)
        }
        rotations[style, default: 0] += 1
        journal.note("rotated \(style) #\(rotations[style, default: 0])\(liveness.isUp ? "" : " while the daemon was down")")
        return true
    }

    /// Writes a sentinel and waits until the daemon has banned it (so it has read everything before it).
    private func drain() async {
        let sentinel = AddressPlan.sentinel(sentinels)
        sentinels += 1
        key.expectBan(sentinel, kind: "sentinel")
        key.countLines("sentinel")
        do { try append(AsteriskLines.failedACL(stamp: Self.stamp(), address: sentinel)) } catch { return }
        let started = ContinuousClock.now
        journal.note("sentinel \(sentinel) written")
        if !(await waitForBan(sentinel, drainTimeout)) { laggedRotations += 1 }
        journal.note("sentinel \(sentinel) banned after \(Int((ContinuousClock.now - started).seconds * 1000)) ms")
        longestDrainWait = max(longestDrainWait, ContinuousClock.now - started)
    }

    /// logrotate's `rotate 2`: .1 becomes .2 (the oldest generation is dropped), the live file becomes .1.
    private func shiftGenerations() {
        if access(path + ".1", F_OK) == 0 { _ = rename(path + ".1", path + ".2") }
    }

    private func reopen(creating: Bool = false) throws {
        if descriptor >= 0 { close(descriptor) }
        descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | (creating ? O_EXCL : 0), 0o640)
        if descriptor < 0 { throw TortureError("open \(path): errno \(errno)") }
    }

    private func append(_ text: String) throws {
        var text = text
        let count = text.withUTF8 { bytes in write(descriptor, bytes.baseAddress, bytes.count) }
        if count != text.utf8.count { throw TortureError("write \(path): errno \(errno)") }
    }

    private func copy(_ source: String, to destination: String) throws {
        let contents = try Data(contentsOf: URL(fileURLWithPath: source))
        try contents.write(to: URL(fileURLWithPath: destination))
    }

    private func check(_ result: Int32, _ operation: String) throws {
        if result != 0 { throw TortureError("\(operation): errno \(errno)") }
    }

    static func stamp() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let length = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%S", &parts)
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
