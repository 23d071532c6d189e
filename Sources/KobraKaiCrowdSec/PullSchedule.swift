/// When the bouncer pulls next, and whether that pull asks for the full list (`startup=true`).
///
/// Pulls start on a fixed cadence: the next one is due `interval` after the previous one *started*, as
/// with a ticker, so that a large delta (seconds to fetch and apply during a `cscli decisions import`)
/// does not push every later pull back. A pull that overran its interval is followed at once, never by
/// a catch-up burst.
///
/// Full pulls happen at start, every `fullPullInterval`, and once after each burst of changes has gone
/// quiet. The last one is there because CrowdSec 1.4.6's delta is not reliable while the LAPI is writing:
/// a pull that lands while a batch is being committed moves the bouncer's position past that batch, and
/// no later delta lists it (`make bench-crowdsec` loses a batch of 50 in most rounds, with either
/// bouncer). A delta that brought changes shows the LAPI was writing; the first empty delta after it
/// shows the writing is over, and a full pull then lists what the deltas skipped. They are spaced at
/// least three pull intervals apart, because a full pull costs as much as the LAPI holds decisions.
/// Pure value type: time is passed in.
struct PullSchedule: Sendable {
    private enum Activity: Sendable {
        /// No change streamed since the last full pull.
        case settled
        /// The last delta brought changes: the LAPI is writing.
        case streaming
        /// Changes were streamed and a later delta came back empty: time to confirm with a full pull.
        case quietAfterChanges
    }

    let interval: Duration
    /// Zero: no periodic full pull (the one after a burst still happens).
    let fullPullInterval: Duration
    private(set) var lastFullPull: ContinuousClock.Instant?
    private var activity = Activity.settled

    init(interval: Duration, fullPullInterval: Duration) {
        self.interval = interval
        self.fullPullInterval = fullPullInterval
    }

    /// The least time between a full pull and one that confirms a burst.
    var confirmationSpacing: Duration { interval * 3 }

    /// Whether the pull starting at `now` should be a full one: the first, a periodic one, or the
    /// confirmation of a burst that has gone quiet.
    func isFullPullDue(at now: ContinuousClock.Instant) -> Bool {
        guard let lastFullPull else { return true }
        if fullPullInterval > .zero, now - lastFullPull >= fullPullInterval { return true }
        return isConfirmationDue(at: now)
    }

    /// Records a successful pull that started at `started` and streamed `changes` decisions (new plus
    /// deleted, as the LAPI sent them, whether or not they were applied).
    mutating func recordPull(full: Bool, changes: Int, started: ContinuousClock.Instant) {
        if full {
            lastFullPull = started
            // A full pull in the middle of a burst can miss a batch in flight, like a delta: the burst
            // is confirmed only by a full pull after it went quiet.
            if activity != .streaming { activity = .settled }
            return
        }
        if changes > 0 {
            activity = .streaming
        } else if activity == .streaming {
            activity = .quietAfterChanges
        }
    }

    /// How long to wait, at `now`, before the pull after the one that started at `started`.
    func delay(afterPullStartedAt started: ContinuousClock.Instant, now: ContinuousClock.Instant) -> Duration {
        if isConfirmationDue(at: now) { return .zero }
        return max(.zero, started + interval - now)
    }

    private func isConfirmationDue(at now: ContinuousClock.Instant) -> Bool {
        guard activity == .quietAfterChanges else { return false }
        guard let lastFullPull else { return true }
        return now - lastFullPull >= confirmationSpacing
    }
}
