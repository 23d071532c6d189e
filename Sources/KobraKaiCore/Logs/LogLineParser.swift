import KobraKaiAddress

/// Turns log lines, one at a time and in order, into `LineParseResult`s.
///
/// It is a value with a little state: raw SIP packets that Asterisk dumps into the log on unprefixed lines
/// (see `PacketDumpTracker`) never produce events, and a dumped line that carries a complete log envelope
/// is reported as an injection attempt (§6.4 (5)).
///
/// Operator patterns (`customRules`) come after the built-in rules: a line is tried against them only
/// when no built-in rule matched it and it is not part of a packet dump, so a pattern can never
/// re-attribute a line the catalogue already judged (an event, a suspected injection or a malformed line).
public struct LogLineParser: Sendable {
    public var context: TimeContext
    /// The log formats this parser accepts; lines in any other program's format are `.noMatch`
    /// for the built-in rules (operator patterns still apply to them).
    public let sources: LogSources
    /// The operator's `<HOST>` patterns, tried on lines no built-in rule matched.
    public let customRules: CustomRuleMatcher
    private var packetDump = PacketDumpTracker()
    private var scratch: [UInt8] = []

    public init(
        context: TimeContext, sources: LogSources = .all, customRules: CustomRuleMatcher = CustomRuleMatcher(patterns: [])
    ) {
        self.context = context
        self.sources = sources
        self.customRules = customRules
    }

    /// A parser with the same settings and no state, for a part of a file parsed on another thread.
    public var fresh: LogLineParser { LogLineParser(context: context, sources: sources, customRules: customRules) }

    /// Whether the meaning of the next line depends on lines already parsed (a packet dump is open).
    ///
    /// A parser without pending state behaves exactly like a fresh one. That lets a caller parse chunks of
    /// a file in parallel with fresh parsers and re-parse a chunk only when the parser of the chunk before
    /// it ended with pending state: the result is then identical to one sequential pass.
    public var hasPendingState: Bool { packetDump.isActive }

    /// Parses one line given as UTF-8 bytes without its line terminator.
    public mutating func parse(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int? = nil) -> LineParseResult {
        var span = TextSpan(line)
        if span.last == 0x0D { span = span.dropping(last: 1) }
        if packetDump.isActive, let verdict = packetDump.consume(span, rawLength: line.count) { return verdict }
        if packetDump.startIfDumpHeader(span) { return .noMatch }
        // The console formatter colours the level and file, so escapes show up in the first bytes; a
        // relevant line's message is checked again below.
        let builtIn =
            span.prefixContains(0x1B, limit: 64)
            ? parseWithoutColours(span, lineNumber: lineNumber)
            : parseClean(span, lineNumber: lineNumber, coloursStripped: false)
        guard case .noMatch = builtIn, !customRules.isEmpty else { return builtIn }
        return parseCustom(span, lineNumber: lineNumber)
    }

    /// Parses one line given as a `String` (tests, AMI-free tools).
    public mutating func parse(_ line: String, lineNumber: Int? = nil) -> LineParseResult {
        var copy = line
        return copy.withUTF8 { parse($0, lineNumber: lineNumber) }
    }

    // MARK: Envelope and dispatch

    private mutating func parseWithoutColours(_ span: TextSpan, lineNumber: Int?) -> LineParseResult {
        scratch.removeAll(keepingCapacity: true)
        var offset = span.start
        while offset < span.end {
            let byte = span.bytes[offset]
            if byte == 0x1B && span.byte(at: offset + 1) == UInt8(ascii: "[") {
                // CSI: ESC [ parameters… final byte (0x40–0x7E); term_strip() removes these.
                offset += 2
                while offset < span.end && !(0x40...0x7E).contains(span.bytes[offset]) { offset += 1 }
                offset += 1
                continue
            }
            scratch.append(byte)
            offset += 1
        }
        let copy = scratch
        return copy.withUnsafeBufferPointer { parseClean(TextSpan($0), lineNumber: lineNumber, coloursStripped: true) }
    }

    private mutating func parseClean(_ span: TextSpan, lineNumber: Int?, coloursStripped: Bool) -> LineParseResult {
        if span.first == UInt8(ascii: "{") { return parseJSON(span, lineNumber: lineNumber) }
        // With `relevantOnly` the Asterisk level is already checked; the other producers check here.
        guard let envelope = EnvelopeParser.parse(span, relevantOnly: true),
            envelope.producer == .asterisk || envelope.hasSecurityRelevantLevel,
            sources.contains(LogSources(envelope.producer))
        else { return .noMatch }
        if !coloursStripped && envelope.message.prefixContains(0x1B, limit: Int.max) {
            return parseWithoutColours(span, lineNumber: lineNumber)
        }
        let outcome = MessageDispatcher.dispatch(envelope, context: context)
        if let dumped = outcome.dumpedPacketBytes {
            // PJ_LOG_MAX_SIZE (4000) caps what pjproject can print after the header.
            packetDump.startSized(bytes: min(dumped, 4000))
        }
        return result(outcome.match, envelope: envelope, lineNumber: lineNumber)
    }

    private mutating func parseJSON(_ span: TextSpan, lineNumber: Int?) -> LineParseResult {
        guard sources.contains(.asterisk) else { return .noMatch }
        let record: JSONLogRecord
        do {
            record = try JSONLogRecord.parse(span)
        } catch {
            switch error {
            case .duplicateKey: return .injectionSuspected("JSON record with a duplicated key")
            case .malformed(let reason): return .malformed(reason)
            }
        }
        // The envelope's fields must share one buffer: lay them out side by side in the scratch space.
        scratch.removeAll(keepingCapacity: true)
        let fields = [record.level, record.filename, record.message, record.timestamp]
        var bounds: [Int] = [0]
        for field in fields {
            scratch.append(contentsOf: field)
            bounds.append(scratch.count)
        }
        let copy = scratch
        return copy.withUnsafeBufferPointer { buffer in
            let envelope = LogEnvelope(
                producer: .asterisk, level: TextSpan(buffer, start: bounds[0], end: bounds[1]),
                file: TextSpan(buffer, start: bounds[1], end: bounds[2]),
                message: TextSpan(buffer, start: bounds[2], end: bounds[3]).trimmed,
                date: TextSpan(buffer, start: bounds[3], end: bounds[4]))
            guard envelope.hasSecurityRelevantLevel else { return .noMatch }
            let outcome = MessageDispatcher.dispatch(envelope, context: context)
            return result(outcome.match, envelope: envelope, lineNumber: lineNumber)
        }
    }

    /// Operator patterns see the whole line; the event's time is the line's envelope date when it has one.
    private func parseCustom(_ span: TextSpan, lineNumber: Int?) -> LineParseResult {
        let time = EnvelopeParser.parse(span)?.date.flatMap { LogDateParser.parse($0, context: context) }
        return customRules.result(
            forLine: UnsafeBufferPointer(rebasing: span.bytes[span.start..<span.end]), time: time,
            lineNumber: lineNumber)
    }

    private func result(_ match: MessageMatch, envelope: LogEnvelope, lineNumber: Int?) -> LineParseResult {
        switch match {
        case .noMatch: return .noMatch
        case .injection(let reason): return .injectionSuspected(reason)
        case .malformed(let reason): return .malformed(reason)
        case .hit(let hit):
            let time = hit.time ?? envelope.date.flatMap { LogDateParser.parse($0, context: context) }
            return .event(
                SecurityEvent(
                    time: time, address: hit.source.address, port: hit.source.port, origin: .logFile,
                    service: hit.service ?? hit.rule.service, rule: hit.rule.id, severity: hit.rule.severity,
                    account: hit.account.map(\.string), line: lineNumber))
        }
    }
}
