/// Builds decision reasons and keeps them short and safe for an nftables element comment.
enum ReasonText {
    /// nftables refuses comments longer than 128 bytes; one byte is kept for the terminating NUL.
    static let maximumBytes = 127

    static func threshold(rule: String, events: Int, window: Duration) -> String {
        bounded("\(rule): \(events) events in \(seconds(window))")
    }

    static func firstEvent(rule: String) -> String {
        bounded("\(rule): high severity, first event")
    }

    static func enumeration(accounts: Int, window: Duration) -> String {
        bounded("enumeration: \(accounts) accounts in \(seconds(window))")
    }

    static func subnet(hosts: Int, network: String, window: Duration) -> String {
        bounded("subnet: \(hosts) hosts banned in \(network) within \(seconds(window))")
    }

    static func withOffence(_ reason: String, offence: Int) -> String {
        offence > 1 ? bounded(reason + " (offence \(offence))") : reason
    }

    /// Whole seconds as the examples in the documentation show them (`60s`, `300s`); milliseconds only
    /// when the window is not a whole number of seconds.
    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.milliseconds
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(milliseconds)ms"
    }

    /// Replaces control characters and cuts at a character boundary so the result is valid UTF-8 of at
    /// most `maximumBytes` bytes, ending in "…" when something was cut.
    static func bounded(_ text: String) -> String {
        var cleaned = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            cleaned.append(scalar.value < 0x20 || scalar.value == 0x7F ? "?" : scalar)
        }
        let result = String(cleaned)
        guard result.utf8.count > maximumBytes else { return result }
        let ellipsis = "…"
        let budget = maximumBytes - ellipsis.utf8.count
        var used = 0
        var kept = String.UnicodeScalarView()
        for scalar in result.unicodeScalars {
            let size = String(scalar).utf8.count
            if used + size > budget { break }
            kept.append(scalar)
            used += size
        }
        return String(kept) + ellipsis
    }
}
