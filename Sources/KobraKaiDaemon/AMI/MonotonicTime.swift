#if canImport(Glibc)
import Glibc
#endif
import KobraKaiCore

/// Milliseconds on CLOCK_MONOTONIC: for timeouts and backoff, immune to wall-clock steps.
enum MonotonicTime {
    static func milliseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }
}

/// The time fed to one `AMIClientSession`: the wall clock at connect plus monotonic time since.
///
/// The session uses `now` both for ping and dead-peer timing (which must not jump when NTP steps the
/// clock: a false dead peer costs a reconnect, and Asterisk does not replay missed events) and as the time
/// of an event without `EventTV` (which should be wall time). Anchoring per connection gives both.
struct AMISessionClock {
    private let wallAnchor = Timestamp.wallClock()
    private let monotonicAnchor = MonotonicTime.milliseconds()

    func now() -> Timestamp {
        wallAnchor + .milliseconds(MonotonicTime.milliseconds() - monotonicAnchor)
    }
}
