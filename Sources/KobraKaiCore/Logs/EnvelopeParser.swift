/// Locates the envelope of a plain-text line in any of the supported layouts:
///
/// - Asterisk file/console, default and plain formatters: `[date] LEVEL[lwp][C-xxxxxxxx]:? file[:line[ in] func]: msg`;
/// - the same without a date (`LEVEL[lwp] …`);
/// - syslog and journald: `Mmm dd hh:mm:ss host asterisk[pid]: LEVEL[lwp]: file:line in func: msg`, or an RFC 3339
///   date, optionally followed by the console formatter's own `[date] ` (journald copies of console output);
/// - Kamailio/OpenSIPS via syslog (`kamailio[pid]: LEVEL: …`), Kamailio stderr (`%2d(%d) LEVEL: …`), OpenSIPS
///   stderr (`date [pid] LEVEL:…`);
/// - FreeSWITCH: `YYYY-MM-DD hh:mm:ss.uuuuuu [extra fields] [LEVEL] file.c:line msg`.
/// A line that fits none of them (a continuation line, a raw SIP packet dump) has no envelope and never
/// produces an event.
enum EnvelopeParser {
    /// - Parameter relevantOnly: return nil as early as possible for Asterisk levels no rule uses
    ///   (VERBOSE, DEBUG, DTMF…): the cheap prefilter for the bulk of a `full` log.
    static func parse(_ line: TextSpan, relevantOnly: Bool = false) -> LogEnvelope? {
        let first = line.first
        if first == UInt8(ascii: "[") {
            guard let close = line.firstOffset(of: UInt8(ascii: "]")), line.byte(at: close + 1) == UInt8(ascii: " ")
            else {
                return nil
            }
            return asterisk(
                line.from(close + 2), date: line.slice(from: line.start + 1, to: close), relevantOnly: relevantOnly)
        }
        if first.isASCIIUpper {
            if let envelope = asterisk(line, date: nil, relevantOnly: relevantOnly) { return envelope }
            return syslog(line, relevantOnly: relevantOnly)
        }
        if first.isASCIIDigit {
            if line.byte(at: line.start + 4) == UInt8(ascii: "-") {
                let separator = line.byte(at: line.start + 10)
                if separator == UInt8(ascii: "T") { return syslog(line, relevantOnly: relevantOnly) }
                if separator == UInt8(ascii: " ") { return freeSWITCH(line) }
                return nil
            }
            return kamailioStandardError(line)
        }
        if first == UInt8(ascii: " ") { return kamailioStandardError(line) }
        return nil
    }

    // MARK: Asterisk

    @inline(__always)
    static func asterisk(_ span: TextSpan, date: TextSpan?, relevantOnly: Bool = false) -> LogEnvelope? {
        var offset = span.start
        while span.byte(at: offset).isASCIIUpper { offset += 1 }
        let level = span.slice(from: span.start, to: offset)
        guard (1...16).contains(level.count) else { return nil }
        if relevantOnly && !LogEnvelope.isSecurityRelevantAsteriskLevel(level) { return nil }
        if span.byte(at: offset) == UInt8(ascii: " ") { offset += 1 }
        guard span.byte(at: offset) == UInt8(ascii: "[") else { return nil }
        offset += 1
        let lwpStart = offset
        while span.byte(at: offset).isASCIIDigit { offset += 1 }
        guard offset > lwpStart, offset - lwpStart <= 10, span.byte(at: offset) == UInt8(ascii: "]") else { return nil }
        offset += 1
        if span.matches("[C-", at: offset) {
            guard let close = span.firstOffset(of: UInt8(ascii: "]"), from: offset + 3), close - offset <= 20,
                span.slice(from: offset + 3, to: close).allSatisfy(\.isASCIIHexDigit)
            else { return nil }
            offset = close + 1
        }
        if span.byte(at: offset) == UInt8(ascii: ":") { offset += 1 }
        guard span.byte(at: offset) == UInt8(ascii: " ") else { return nil }
        while span.byte(at: offset) == UInt8(ascii: " ") { offset += 1 }
        let fileStart = offset
        guard let colon = span.firstOffset(of: UInt8(ascii: ":"), from: fileStart), colon > fileStart,
            colon - fileStart <= 128
        else { return nil }
        let file = span.slice(from: fileStart, to: colon)
        offset = colon + 1
        if span.byte(at: offset).isASCIIDigit {
            // file:line[ in] function:
            while span.byte(at: offset).isASCIIDigit { offset += 1 }
            guard span.byte(at: offset) == UInt8(ascii: " ") else { return nil }
            offset += 1
            if span.matches("in ", at: offset) { offset += 3 }
            let functionStart = offset
            while span.byte(at: offset).isIdentifierByte || span.byte(at: offset) == UInt8(ascii: "<")
                || span.byte(at: offset) == UInt8(ascii: "?") || span.byte(at: offset) == UInt8(ascii: ">")
            {
                offset += 1
            }
            guard offset > functionStart, span.byte(at: offset) == UInt8(ascii: ":") else { return nil }
            offset += 1
        } else if span.matches("<?>:", at: offset) {
            offset += 4
        }
        return LogEnvelope(
            producer: .asterisk, level: level, file: file, message: span.from(offset).trimmed, date: date)
    }

    // MARK: syslog / journald

    private static func syslog(_ line: TextSpan, relevantOnly: Bool) -> LogEnvelope? {
        var offset = line.start
        if line.first.isASCIIUpper {
            // Mmm dd hh:mm:ss[.fraction]
            offset += 3
            guard line.byte(at: offset) == UInt8(ascii: " ") else { return nil }
            while line.byte(at: offset) == UInt8(ascii: " ") { offset += 1 }
            while line.byte(at: offset).isASCIIDigit { offset += 1 }
            guard line.byte(at: offset) == UInt8(ascii: " ") else { return nil }
            offset += 1
        }
        guard let dateEnd = line.firstOffset(of: UInt8(ascii: " "), from: offset) else { return nil }
        let date = line.slice(from: line.start, to: dateEnd)
        offset = dateEnd + 1
        if line.byte(at: offset) == UInt8(ascii: "[") {
            // OpenSIPS stderr: date [pid] LEVEL:message
            guard let close = line.firstOffset(of: "] ", from: offset) else { return nil }
            return proxy(line.from(close + 2), producer: .openSIPS, date: date)
        }
        guard let hostEnd = line.firstOffset(of: UInt8(ascii: " "), from: offset), hostEnd > offset else { return nil }
        offset = hostEnd + 1
        let programStart = offset
        while line.byte(at: offset).isIdentifierByte || line.byte(at: offset) == UInt8(ascii: "-")
            || line.byte(at: offset) == UInt8(ascii: ".") || line.byte(at: offset) == UInt8(ascii: "/")
        {
            offset += 1
        }
        let program = line.slice(from: programStart, to: offset)
        if line.byte(at: offset) == UInt8(ascii: "[") {
            guard let close = line.firstOffset(of: UInt8(ascii: "]"), from: offset) else { return nil }
            offset = close + 1
        }
        guard line.matches(": ", at: offset) else { return nil }
        let rest = line.from(offset + 2)
        if program.equals("asterisk") {
            if rest.first == UInt8(ascii: "["), let close = rest.firstOffset(of: "] ") {
                return asterisk(
                    rest.from(close + 2), date: rest.slice(from: rest.start + 1, to: close), relevantOnly: relevantOnly)
            }
            return asterisk(rest, date: date, relevantOnly: relevantOnly)
        }
        if program.equals("kamailio") { return proxy(rest, producer: .kamailio, date: date) }
        if program.equals("opensips") { return proxy(rest, producer: .openSIPS, date: date) }
        return nil
    }

    // MARK: Kamailio, OpenSIPS, FreeSWITCH

    /// `LEVEL:` or `LEVEL: ` then the message (the proxies' module/function decoration stays in the message).
    private static func proxy(_ span: TextSpan, producer: LogEnvelope.Producer, date: TextSpan?) -> LogEnvelope? {
        var offset = span.start
        while span.byte(at: offset).isASCIIUpper { offset += 1 }
        guard offset > span.start, span.byte(at: offset) == UInt8(ascii: ":") else {
            // Some syslog setups drop the level word; keep the whole text as the message.
            return LogEnvelope(
                producer: producer, level: span.upTo(span.start), file: span.upTo(span.start),
                message: span.trimmed, date: date)
        }
        return LogEnvelope(
            producer: producer, level: span.upTo(offset), file: span.upTo(span.start),
            message: span.from(offset + 1).trimmed, date: date)
    }

    /// ` 5(4120) WARNING: pike [pike_funcs.c:136]: …`
    private static func kamailioStandardError(_ line: TextSpan) -> LogEnvelope? {
        var offset = line.start
        while line.byte(at: offset) == UInt8(ascii: " ") { offset += 1 }
        let digitsStart = offset
        while line.byte(at: offset).isASCIIDigit { offset += 1 }
        guard offset > digitsStart, line.byte(at: offset) == UInt8(ascii: "("),
            let close = line.firstOffset(of: ") ", from: offset),
            line.slice(from: offset + 1, to: close).allSatisfy(\.isASCIIDigit)
        else { return nil }
        return proxy(line.from(close + 2), producer: .kamailio, date: nil)
    }

    /// `2024-05-01 10:22:00.123456 [extra] [WARNING] sofia_reg.c:1659 message`
    private static func freeSWITCH(_ line: TextSpan) -> LogEnvelope? {
        guard let dateEnd = line.firstOffset(of: UInt8(ascii: " "), from: line.start + 11) else { return nil }
        let date = line.slice(from: line.start, to: dateEnd)
        let searchEnd = min(line.end, dateEnd + 96)
        var offset = dateEnd
        while let open = line.upTo(searchEnd).firstOffset(of: " [", from: offset) {
            var cursor = open + 2
            while line.byte(at: cursor).isASCIIUpper { cursor += 1 }
            if cursor > open + 2, line.matches("] ", at: cursor) {
                let level = line.slice(from: open + 2, to: cursor)
                let fileStart = cursor + 2
                guard let colon = line.firstOffset(of: UInt8(ascii: ":"), from: fileStart),
                    let space = line.firstOffset(of: UInt8(ascii: " "), from: colon),
                    line.slice(from: colon + 1, to: space).allSatisfy(\.isASCIIDigit),
                    !line.slice(from: fileStart, to: colon).contains(UInt8(ascii: " "))
                else { return nil }
                return LogEnvelope(
                    producer: .freeSWITCH, level: level, file: line.slice(from: fileStart, to: colon),
                    message: line.from(space + 1).trimmed, date: date)
            }
            offset = open + 1
        }
        return nil
    }
}
