/// Parses Go's `time.Duration` text, which the LAPI uses for a decision's remaining time:
/// `3h59m58.123456789s`, `-1.5s`, `4h`, `1m30s`, `500ms`, `0`.
///
/// Written from Go's grammar (`time.ParseDuration`): an optional sign, then one or more decimal numbers,
/// each with an optional fraction and a unit (`ns`, `us`/`µs`/`μs`, `ms`, `s`, `m`, `h`). The result is
/// signed: the LAPI reports already expired decisions with a negative remaining time.
public enum GoDuration {
    /// The duration, or `nil` when `text` is not a Go duration or does not fit in 64-bit nanoseconds.
    public static func parse(_ text: some StringProtocol) -> Duration? {
        var scalars = Substring(text).unicodeScalars[...]
        var negative = false
        if let sign = scalars.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            scalars = scalars.dropFirst()
        }
        if scalars.count == 1, scalars.first == "0" { return .zero }
        guard !scalars.isEmpty else { return nil }
        var total: Int64 = 0
        while !scalars.isEmpty {
            guard let component = parseComponent(&scalars) else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(component)
            guard !overflow else { return nil }
            total = sum
        }
        return .nanoseconds(negative ? -total : total)
    }

    /// One `<number>[.<fraction>]<unit>` component, in nanoseconds.
    private static func parseComponent(_ scalars: inout Substring.UnicodeScalarView.SubSequence) -> Int64? {
        let whole = digits(&scalars)
        var fraction: [UInt8] = []
        if scalars.first == "." {
            scalars = scalars.dropFirst()
            fraction = digits(&scalars)
        }
        guard !whole.isEmpty || !fraction.isEmpty else { return nil }
        let unitText = String(String.UnicodeScalarView(scalars.prefix { !isDigit($0) && $0 != "." }))
        scalars = scalars.dropFirst(unitText.unicodeScalars.count)
        guard let unit = nanosecondsPerUnit[unitText] else { return nil }

        var value: Int64 = 0
        for digit in whole {
            let (times, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (plus, overflowB) = times.addingReportingOverflow(Int64(digit))
            guard !overflowA, !overflowB else { return nil }
            value = plus
        }
        let (scaled, overflow) = value.multipliedReportingOverflow(by: unit)
        guard !overflow else { return nil }
        // The fraction: digits beyond nanosecond precision are dropped, as Go does.
        var fractionNanos: Int64 = 0
        var scale = unit
        for digit in fraction {
            scale /= 10
            guard scale > 0 else { break }
            fractionNanos += Int64(digit) * scale
        }
        let (sum, overflowSum) = scaled.addingReportingOverflow(fractionNanos)
        return overflowSum ? nil : sum
    }

    private static func digits(_ scalars: inout Substring.UnicodeScalarView.SubSequence) -> [UInt8] {
        let run = scalars.prefix(while: isDigit)
        scalars = scalars.dropFirst(run.count)
        return run.map { UInt8($0.value - 48) }
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 48 && scalar.value <= 57 }

    private static let nanosecondsPerUnit: [String: Int64] = [
        "ns": 1, "us": 1_000, "\u{00B5}s": 1_000, "\u{03BC}s": 1_000, "ms": 1_000_000,
        "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000,
    ]
}
