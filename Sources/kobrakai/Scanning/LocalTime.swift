#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import KobraKaiCore

/// The executable's side of time: the core never reads clocks or zones, so the current year, the local
/// UTC offset and "now" are read here and passed in as a `TimeContext`.
enum LocalTime {
    static func currentContext() -> TimeContext {
        var now = time(nil)
        var broken = tm()
        localtime_r(&now, &broken)
        return TimeContext(
            year: Int(broken.tm_year) + 1900, utcOffsetSeconds: Int(broken.tm_gmtoff),
            latest: Timestamp(secondsSinceEpoch: Int64(now)))
    }
}
