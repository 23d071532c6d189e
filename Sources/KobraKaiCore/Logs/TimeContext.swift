/// What the line parsers need to turn a wall-clock date printed in a log into a `Timestamp`.
///
/// Asterisk prints local time and, with the default `%b %e %T` format, no year. The core never reads a
/// clock or the time-zone database, so the caller (the executable) passes both in.
public struct TimeContext: Sendable, Hashable {
    /// The year assumed for dates printed without one.
    public var year: Int
    /// The offset of the log's local time from UTC, in seconds (east positive), for dates without a zone.
    public var utcOffsetSeconds: Int
    /// When set, a year-less date that would land more than a day after this instant is taken to be from
    /// the previous year (a December log read in January).
    public var latest: Timestamp?

    public init(year: Int, utcOffsetSeconds: Int = 0, latest: Timestamp? = nil) {
        self.year = year
        self.utcOffsetSeconds = utcOffsetSeconds
        self.latest = latest
    }

    /// UTC, year 1970: for tests that only care about relative times.
    public static let utc1970 = TimeContext(year: 1970)
}
