import Foundation
import KobraKaiAddress

/// One alert as `POST /v1/alerts` takes it (`models.Alert` of CrowdSec 1.4.6), carrying exactly one
/// decision. Because the alert carries its decision, the LAPI stores it as given instead of running
/// `profiles.yaml` (which would turn it into its own 4 h `Ip` ban and ignore ranges).
public struct CrowdSecAlert: Hashable, Sendable, Encodable {
    public struct Source: Hashable, Sendable, Encodable {
        public var scope: String
        public var value: String
        public var ip: String?
        public var range: String?
    }

    public struct Decision: Hashable, Sendable, Encodable {
        public var duration: String
        public var origin: String
        public var scenario: String
        public var scope: String
        public var type: String
        public var value: String
    }

    /// An empty event list: the LAPI requires the key; KobraKai's evidence stays in its own history.
    public struct Event: Hashable, Sendable, Encodable {}

    public var scenario: String
    public var scenarioHash = ""
    public var scenarioVersion = ""
    public var message: String
    public var eventsCount: Int32 = 1
    public var startAt: String
    public var stopAt: String
    public var capacity: Int32 = 0
    public var leakSpeed = "0"
    public var simulated = false
    public var events: [Event] = []
    public var source: Source
    public var decisions: [Decision]

    private enum CodingKeys: String, CodingKey {
        case scenario, message, capacity, simulated, events, source, decisions
        case scenarioHash = "scenario_hash", scenarioVersion = "scenario_version", eventsCount = "events_count"
        case startAt = "start_at", stopAt = "stop_at", leakSpeed = "leakspeed"
    }

    /// The origin KobraKai's decisions carry. `crowdsec` (what an agent writes) because 1.4.6's
    /// `cscli decisions list` shows only `crowdsec` and `cscli` without `--all`; the scenario and the
    /// machine id identify KobraKai.
    public static let origin = "crowdsec"

    /// The scenario the decisions of machine `machineID` carry: `<scenario> by <machineID>`. The decision
    /// stream names no machine, so this is how a bouncer recognises its own watcher's decisions (and skips
    /// them: they are already in its kernel, under the local reason) while still applying the same scenario
    /// pushed by the other hosts of the fleet.
    public static func decisionScenario(scenario: String, machineID: String) -> String { "\(scenario) by \(machineID)" }

    /// The alert for one ban with `remaining` time left, or `nil` when nothing is left of it.
    /// - Parameter decisionScenario: what the decision carries (`decisionScenario(scenario:machineID:)`).
    public init?(ban: WatcherBan, remaining: Duration, scenario: String, decisionScenario: String? = nil) {
        let seconds = remaining.components.seconds
        guard seconds > 0 else { return nil }
        let scope = ban.target.isHost ? "Ip" : "Range"
        let value = ban.target.isHost ? ban.target.network.description : "\(ban.target.network)/\(ban.target.length)"
        let time = Self.rfc3339(ban.bannedAt)
        self.scenario = scenario
        self.message = "kobrakai banned \(value) for \(seconds)s: \(ban.reason)"
        self.startAt = time
        self.stopAt = time
        self.source = Source(scope: scope, value: value, ip: ban.target.isHost ? value : nil, range: ban.target.isHost ? nil : value)
        self.decisions = [
            Decision(duration: "\(seconds)s", origin: Self.origin, scenario: decisionScenario ?? scenario, scope: scope, type: "ban", value: value),
        ]
    }

    static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
