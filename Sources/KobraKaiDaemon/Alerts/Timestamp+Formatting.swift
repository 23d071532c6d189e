#if canImport(Glibc)
import Glibc
#endif
import KobraKaiCore

extension Timestamp {
    /// UTC in RFC 3339 / ISO 8601 form, to the second: `2026-11-22T08:15:02Z` (webhook JSON).
    var iso8601: String {
        let utc = brokenDownUTC()
        return "\(utc.year)-\(Self.two(utc.month))-\(Self.two(utc.day))T\(Self.two(utc.hour)):\(Self.two(utc.minute)):\(Self.two(utc.second))Z"
    }

    /// RFC 5322 `Date:` header text in UTC: `Sun, 22 Nov 2026 08:15:02 +0000`.
    var rfc5322: String {
        let utc = brokenDownUTC()
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(days[utc.weekday]), \(utc.day) \(months[utc.month - 1]) \(utc.year) "
            + "\(Self.two(utc.hour)):\(Self.two(utc.minute)):\(Self.two(utc.second)) +0000"
    }

    private func brokenDownUTC() -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, weekday: Int) {
        var seconds = time_t(millisecondsSinceEpoch / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return (Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min),
                Int(parts.tm_sec), Int(parts.tm_wday))
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
