/// Human duration text as operators write it: `90s`, `15m`, `1h`, `7d`, `1h30m`, `2w`; a bare number is seconds.
public enum DurationText {
    /// Parses duration text. Returns `nil` for anything else (no negative, empty or overflowing values).
    public static func parse(_ text: some StringProtocol) -> Duration? {
        guard !text.isEmpty else { return nil }
        if text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let seconds = Int64(text) else { return nil }
            return .seconds(seconds)
        }
        var totalMilliseconds: Int64 = 0
        var number: Int64? = nil
        var chars = Array(text)
        chars.append("\u{0}")
        var index = 0
        while index < chars.count - 1 {
            let char = chars[index]
            if let digit = char.wholeNumberValue, char.isASCII {
                let (times, overflow1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(Int64(digit))
                if overflow1 || overflow2 { return nil }
                number = sum
                index += 1
                continue
            }
            guard let value = number else { return nil }
            let unit: Int64
            if char == "m" && chars[index + 1] == "s" {
                unit = 1
                index += 1
            } else {
                switch char {
                case "s": unit = 1000
                case "m": unit = 60_000
                case "h": unit = 3_600_000
                case "d": unit = 86_400_000
                case "w": unit = 604_800_000
                default: return nil
                }
            }
            let (scaled, overflow1) = value.multipliedReportingOverflow(by: unit)
            let (sum, overflow2) = totalMilliseconds.addingReportingOverflow(scaled)
            if overflow1 || overflow2 { return nil }
            totalMilliseconds = sum
            number = nil
            index += 1
        }
        guard number == nil else { return nil }  // "1h30" is ambiguous: refuse it
        return .milliseconds(totalMilliseconds)
    }

    /// Formats a duration compactly (`1h30m`, `7d`, `45s`, `250ms`), the inverse of `parse`.
    public static func format(_ duration: Duration) -> String {
        var milliseconds = duration.milliseconds
        if milliseconds <= 0 { return "0s" }
        var text = ""
        for (unit, suffix) in [(Int64(86_400_000), "d"), (3_600_000, "h"), (60_000, "m"), (1000, "s"), (1, "ms")] {
            if milliseconds >= unit {
                text += "\(milliseconds / unit)\(suffix)"
                milliseconds %= unit
            }
        }
        return text
    }
}

extension Duration {
    /// Whole milliseconds, truncated; the unit nftables uses for timeouts.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
