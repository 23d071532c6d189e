import Foundation

/// What one torture run does, from the environment (`make torture TORTURE_SECONDS=…`). Every fault is
/// spread over the writing phase; the settle phase after it lets the daemon finish before the final checks.
struct TortureSettings: Sendable {
    /// Length of the writing phase (log lines, rotations, kills, flushes, AMI restarts).
    var seconds: Int
    /// Log lines written per second, all kinds together.
    var linesPerSecond: Int
    /// Rotations of each style over the run.
    var rotationsPerStyle: Int
    /// Distinct flood source addresses over the run (one line each; one in 16 is a high-severity event).
    var floodAddresses: Int
    /// `kill -9` of the daemon, evenly spread.
    var kills: Int
    /// Seconds between two `nft flush ruleset`.
    var flushEverySeconds: Double
    /// AMI peer restarts (listener closed, connections dropped, listening again), evenly spread.
    var amiRestarts: Int
    /// New attackers per second in the log (each writes eight medium-severity lines over 80 ms).
    var logAttackersPerSecond: Int
    /// New attackers per second on AMI (each sends six ChallengeResponseFailed events).
    var amiAttackersPerSecond: Int
    /// A deliberately broken condition, to prove that the checks can fail (see `Sabotage`).
    var sabotage: Sabotage

    enum Sabotage: String, Sendable {
        case none
        /// The harness itself adds an allowlisted LAN phone to the ban set once: wrong bans must be 1.
        case banAllowlisted = "ban-allowlisted"
        /// The harness deletes one ban behind the daemon's back: bans lost must be ≥ 1.
        case deleteBan = "delete-ban"
        /// The config gives attackers a threshold they never reach: events missed must be > 0.
        case highThreshold = "high-threshold"
    }

    static func fromEnvironment() throws -> TortureSettings {
        let environment = ProcessInfo.processInfo.environment
        func integer(_ name: String, _ fallback: Int, minimum: Int = 0) throws -> Int {
            guard let text = environment[name], !text.isEmpty else { return fallback }
            guard let value = Int(text), value >= minimum else { throw TortureError("\(name)=\(text): expected an integer ≥ \(minimum)") }
            return value
        }
        let seconds = try integer("TORTURE_SECONDS", 240, minimum: 20)
        let sabotageText = environment["TORTURE_SABOTAGE"] ?? "none"
        guard let sabotage = Sabotage(rawValue: sabotageText.isEmpty ? "none" : sabotageText) else {
            throw TortureError("TORTURE_SABOTAGE=\(sabotageText): expected none, ban-allowlisted, delete-ban or high-threshold")
        }
        return TortureSettings(
            seconds: seconds,
            linesPerSecond: try integer("TORTURE_RATE", 10_000, minimum: 1000),
            rotationsPerStyle: try integer("TORTURE_ROTATIONS", 100),
            floodAddresses: try integer("TORTURE_FLOOD", 1_000_000),
            kills: try integer("TORTURE_KILLS", max(3, seconds / 20)),
            flushEverySeconds: Double(try integer("TORTURE_FLUSH_EVERY", 5, minimum: 1)),
            amiRestarts: try integer("TORTURE_AMI_RESTARTS", max(3, seconds / 15)),
            logAttackersPerSecond: try integer("TORTURE_ATTACKERS", 10, minimum: 1),
            amiAttackersPerSecond: try integer("TORTURE_AMI_ATTACKERS", 4, minimum: 1),
            sabotage: sabotage)
    }
}

struct TortureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
