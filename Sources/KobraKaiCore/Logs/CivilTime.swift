/// Proleptic Gregorian calendar arithmetic, so the core can convert dates without Foundation.
///
/// The algorithms are Howard Hinnant's `days_from_civil` / `civil_from_days`, exact for every year.
enum CivilTime {
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Milliseconds since the epoch for a wall-clock time at `utcOffsetSeconds` from UTC.
    static func timestamp(
        year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int,
        utcOffsetSeconds: Int
    ) -> Timestamp {
        let days = Int64(daysFromCivil(year: year, month: month, day: day))
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(utcOffsetSeconds)
        return Timestamp(millisecondsSinceEpoch: seconds * 1000 + Int64(millisecond))
    }

    /// The UTC calendar fields of `timestamp`.
    static func components(_ timestamp: Timestamp) -> Timestamp.UTCComponents {
        let milliseconds = timestamp.millisecondsSinceEpoch
        var seconds = milliseconds / 1000
        var fraction = milliseconds % 1000
        if fraction < 0 {
            fraction += 1000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let date = civilFromDays(Int(days))
        return Timestamp.UTCComponents(
            year: date.year, month: date.month, day: date.day, hour: Int(secondOfDay / 3600),
            minute: Int(secondOfDay % 3600 / 60), second: Int(secondOfDay % 60), millisecond: Int(fraction))
    }

    /// `2024-05-01T10:11:12.345Z`: the UTC ISO 8601 text `kobrakai scan --json` prints.
    static func iso8601(_ timestamp: Timestamp) -> String {
        let fields = components(timestamp)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(fields.year, 4))-\(pad(fields.month, 2))-\(pad(fields.day, 2))T"
            + "\(pad(fields.hour, 2)):\(pad(fields.minute, 2)):\(pad(fields.second, 2)).\(pad(fields.millisecond, 3))Z"
    }
}

extension Timestamp {
    /// A timestamp's calendar fields in UTC, for writers that format dates themselves.
    public struct UTCComponents: Hashable, Sendable {
        public var year: Int
        public var month: Int
        public var day: Int
        public var hour: Int
        public var minute: Int
        public var second: Int
        public var millisecond: Int

        public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int) {
            self.year = year
            self.month = month
            self.day = day
            self.hour = hour
            self.minute = minute
            self.second = second
            self.millisecond = millisecond
        }
    }

    /// The UTC ISO 8601 form with milliseconds, e.g. `2024-05-01T10:11:12.345Z`.
    public var iso8601: String { CivilTime.iso8601(self) }

    public var utcComponents: UTCComponents { CivilTime.components(self) }
}
