/// Caps how many lines one kind of attacker-triggerable message may log per window (an attacker who can
/// make Asterisk emit malformed security events must not be able to flood the journal through us); the
/// first line after a quiet spell reports how many were suppressed.
struct LogThrottle: Sendable {
    let limit: Int
    let windowMilliseconds: Int64
    private var windowStart: Int64 = .min
    private var logged = 0
    private var suppressed = 0

    init(limit: Int = 20, window: Duration = .seconds(60)) {
        self.limit = limit
        self.windowMilliseconds = window.components.seconds * 1000
    }

    /// Whether to log now; when it says yes, `suppressedBefore` lines were dropped since the last one.
    mutating func admit(nowMilliseconds: Int64) -> (admit: Bool, suppressedBefore: Int) {
        if windowStart == .min || nowMilliseconds - windowStart >= windowMilliseconds {
            windowStart = nowMilliseconds
            logged = 0
        }
        guard logged < limit else {
            suppressed += 1
            return (false, 0)
        }
        logged += 1
        defer { suppressed = 0 }
        return (true, suppressed)
    }
}
