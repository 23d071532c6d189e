#if canImport(Glibc)
import Glibc
#endif
import KobraKaiCore

/// Report times: UTC, minute precision (`2026-11-22 07:59`), the same on every host of a fleet.
enum UTCTime {
    static func format(_ time: Timestamp, dateOnly: Bool = false) -> String {
        var seconds = time_t(time.millisecondsSinceEpoch / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let date = "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
        return dateOnly ? date : "\(date) \(two(parts.tm_hour)):\(two(parts.tm_min))"
    }

    private static func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
