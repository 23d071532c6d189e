import KobraKaiCore
import KobraKaiFirewall

/// Replays scanned events through the real `BanPolicy`, in file order, on the log's own clock
/// (`kobrakai scan --decisions`).
///
/// `now` is the event's timestamp. An event without one (a line with no date) takes the timestamp of the
/// latest timestamped event before it; events before any timestamp are not given to the policy, only
/// counted. Files are one stream in the order given, so name rotated files oldest first.
struct DecisionReplay {
    private(set) var policy: BanPolicy
    private var lastTime: Timestamp?
    /// Events the policy never saw because nothing before them had a timestamp.
    private(set) var untimedEventsSkipped = 0
    private(set) var decisions: [BanDecision] = []

    init(policy: BanPolicy) {
        self.policy = policy
    }

    /// Feeds one event; returns the bans it caused (also kept for the report).
    mutating func observe(_ event: SecurityEvent) -> [BanDecision] {
        if let time = event.time { lastTime = time }
        guard let now = lastTime else {
            untimedEventsSkipped += 1
            return []
        }
        let caused = policy.observe(event, now: now)
        decisions += caused
        return caused
    }

    /// `{"ban": ADDR-or-CIDR, "duration": seconds, "reason": TEXT, "time": ISO8601}` and a newline.
    static func jsonLine(_ decision: BanDecision) -> String {
        "{\"ban\":\(JSONText.quoted(decision.target.description)),\"duration\":\(seconds(decision.duration)),"
            + "\"reason\":\(JSONText.quoted(decision.reason)),\"time\":\"\(decision.time.iso8601)\"}\n"
    }

    /// The report's section: the ban count, one line per ban when `listing` (the JSON lines already show
    /// them with --json), then the policy's counters.
    func report(listing: Bool) -> String {
        let networks = decisions.filter { $0.kind == .subnet }.count
        var text = "bans: \(decisions.count) (\(decisions.count - networks) hosts, \(networks) networks)\n"
        for decision in decisions where listing {
            text +=
                "  \(decision.time.iso8601)  \(decision.target.description.padding(to: 40))"
                + "\(DurationText.format(decision.duration).padding(to: 8))\(decision.reason)\n"
        }
        let statistics = policy.statistics
        text +=
            "policy: \(statistics.eventsObserved) events observed, \(statistics.allowlistedEvents) from allowlisted "
            + "addresses, \(statistics.suppressedWhileBanned) while already banned, \(untimedEventsSkipped) skipped "
            + "(no timestamp before them)\n"
        return text
    }

    /// Whole seconds as an integer; a fractional duration (ban-time factor 1.5) keeps its milliseconds.
    private static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.milliseconds
        guard milliseconds % 1000 != 0 else { return String(milliseconds / 1000) }
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
