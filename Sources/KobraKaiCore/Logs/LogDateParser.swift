/// Reads the date forms that `logger.conf`'s `dateformat`, syslog, journald and the security events print.
///
/// Accepted (all whole-span; anything else gives nil and the line is still parsed, without a time):
/// - `%b %e %T` (`Jan  8 09:05:01`, Asterisk's default and classic syslog), optional `.fraction`;
/// - `%F %T` (`2024-05-01 10:11:12`), optional `.fraction` (`%F %T.%3q`, FreeSWITCH's microseconds);
/// - ISO 8601 `2024-05-01T10:11:12(.fraction)(Z|±hh:mm|±hhmm)` (EventTV, RFC 3339 syslog);
/// - `%s` / `%s.%q` epoch seconds.
/// Dates without a zone are local time: `TimeContext` supplies the offset, and the year when absent.
enum LogDateParser {
    static func parse(_ text: TextSpan, context: TimeContext) -> Timestamp? {
        let span = text.trimmed
        guard span.count >= 9 else { return nil }
        let lead = span.first
        if lead.isASCIIUpper { return parseMonthName(span, context: context) }
        guard lead.isASCIIDigit else { return nil }
        if span.byte(at: span.start + 4) == UInt8(ascii: "-") { return parseNumeric(span, context: context) }
        return parseEpoch(span)
    }

    private static let monthNames: [StaticString] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    private static func parseMonthName(_ span: TextSpan, context: TimeContext) -> Timestamp? {
        guard let month = monthNames.firstIndex(where: { span.matches($0, at: span.start) }).map({ $0 + 1 }),
            span.byte(at: span.start + 3) == UInt8(ascii: " ")
        else { return nil }
        var offset = span.start + 4
        if span.byte(at: offset) == UInt8(ascii: " ") { offset += 1 }
        var day = 0
        var digits = 0
        while span.byte(at: offset).isASCIIDigit, digits < 2 {
            day = day * 10 + Int(span.byte(at: offset) &- 0x30)
            offset += 1
            digits += 1
        }
        guard digits > 0, (1...31).contains(day), span.byte(at: offset) == UInt8(ascii: " ") else { return nil }
        guard let clock = parseClock(span.from(offset + 1)), clock.zone == nil else { return nil }
        var stamp = CivilTime.timestamp(
            year: context.year, month: month, day: day, hour: clock.hour, minute: clock.minute,
            second: clock.second, millisecond: clock.millisecond, utcOffsetSeconds: context.utcOffsetSeconds)
        if let latest = context.latest, stamp.millisecondsSinceEpoch > latest.millisecondsSinceEpoch + 86_400_000 {
            stamp = CivilTime.timestamp(
                year: context.year - 1, month: month, day: day, hour: clock.hour, minute: clock.minute,
                second: clock.second, millisecond: clock.millisecond, utcOffsetSeconds: context.utcOffsetSeconds)
        }
        return stamp
    }

    private static func parseNumeric(_ span: TextSpan, context: TimeContext) -> Timestamp? {
        let s = span.start
        guard let year = span.slice(from: s, to: s + 4).decimalValue(),
            span.byte(at: s + 4) == UInt8(ascii: "-"),
            let month = span.slice(from: s + 5, to: s + 7).decimalValue(), (1...12).contains(month),
            span.byte(at: s + 7) == UInt8(ascii: "-"),
            let day = span.slice(from: s + 8, to: s + 10).decimalValue(), (1...31).contains(day)
        else { return nil }
        let separator = span.byte(at: s + 10)
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "T"),
            let clock = parseClock(span.from(s + 11))
        else { return nil }
        return CivilTime.timestamp(
            year: year, month: month, day: day, hour: clock.hour, minute: clock.minute, second: clock.second,
            millisecond: clock.millisecond, utcOffsetSeconds: clock.zone ?? context.utcOffsetSeconds)
    }

    private struct Clock {
        var hour: Int
        var minute: Int
        var second: Int
        var millisecond: Int
        var zone: Int?
    }

    /// `HH:MM:SS`, an optional `.digits` fraction, an optional zone; nothing else.
    private static func parseClock(_ span: TextSpan) -> Clock? {
        let s = span.start
        guard let hour = span.slice(from: s, to: s + 2).decimalValue(), hour < 24,
            span.byte(at: s + 2) == UInt8(ascii: ":"),
            let minute = span.slice(from: s + 3, to: s + 5).decimalValue(), minute < 60,
            span.byte(at: s + 5) == UInt8(ascii: ":"),
            let second = span.slice(from: s + 6, to: s + 8).decimalValue(), second <= 60
        else { return nil }
        var clock = Clock(hour: hour, minute: minute, second: second, millisecond: 0, zone: nil)
        var offset = s + 8
        if span.byte(at: offset) == UInt8(ascii: ".") || span.byte(at: offset) == UInt8(ascii: ",") {
            offset += 1
            var digits = 0
            var milliseconds = 0
            while span.byte(at: offset).isASCIIDigit {
                if digits < 3 { milliseconds = milliseconds * 10 + Int(span.byte(at: offset) &- 0x30) }
                digits += 1
                offset += 1
            }
            guard digits > 0, digits <= 9 else { return nil }
            while digits < 3 {
                milliseconds *= 10
                digits += 1
            }
            clock.millisecond = milliseconds
        }
        let rest = span.from(offset)
        if rest.isEmpty { return clock }
        if rest.count == 1 && rest.first == UInt8(ascii: "Z") {
            clock.zone = 0
            return clock
        }
        let sign = rest.first
        guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        let zone = rest.dropping(first: 1)
        let hours: Int?
        let minutes: Int?
        if zone.count == 4 {
            hours = zone.upTo(zone.start + 2).decimalValue()
            minutes = zone.from(zone.start + 2).decimalValue()
        } else if zone.count == 5, zone.byte(at: zone.start + 2) == UInt8(ascii: ":") {
            hours = zone.upTo(zone.start + 2).decimalValue()
            minutes = zone.from(zone.start + 3).decimalValue()
        } else {
            return nil
        }
        guard let h = hours, let m = minutes, h <= 14, m < 60 else { return nil }
        clock.zone = (sign == UInt8(ascii: "-") ? -1 : 1) * (h * 3600 + m * 60)
        return clock
    }

    private static func parseEpoch(_ span: TextSpan) -> Timestamp? {
        let dot = span.firstOffset(of: UInt8(ascii: "."))
        guard let seconds = span.upTo(dot ?? span.end).decimalValue(maximum: Int.max) else { return nil }
        var milliseconds = 0
        if let dot {
            let fraction = span.from(dot + 1)
            guard !fraction.isEmpty, fraction.count <= 9, fraction.allSatisfy(\.isASCIIDigit) else { return nil }
            var digits = 0
            var offset = fraction.start
            while digits < 3 {
                milliseconds = milliseconds * 10 + (offset < fraction.end ? Int(fraction.byte(at: offset) &- 0x30) : 0)
                offset += 1
                digits += 1
            }
        }
        return Timestamp(millisecondsSinceEpoch: Int64(seconds) * 1000 + Int64(milliseconds))
    }
}
