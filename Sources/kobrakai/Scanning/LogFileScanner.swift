#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import KobraKaiCore

/// Runs the core's line parser over one input (a path or `-` for stdin), streaming, in large windows
/// parsed on all cores (`ChunkParser`), with results delivered in file order.
///
/// Events reach `onEvent` in file order with their timestamps and line numbers, whatever the number of
/// parser threads: `--decisions` feeds this callback into the ban policy, which depends on that order.
struct LogFileScanner {
    enum Failure: Error {
        case cannotOpen(path: String, errno: Int32)
        case readFailed(path: String, errno: Int32)
    }

    let context: TimeContext
    let sources: LogSources
    let customRules: CustomRuleMatcher
    var parts = ChunkParser.onlineProcessors
    var reader = WindowReader()

    init(
        context: TimeContext, sources: LogSources = .all, customRules: CustomRuleMatcher = CustomRuleMatcher(patterns: [])
    ) {
        self.context = context
        self.sources = sources
        self.customRules = customRules
    }

    func scan(path: String, summary: inout ScanSummary, onEvent: (SecurityEvent) -> Void) throws(Failure) {
        let descriptor: Int32 = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        defer { if descriptor != 0 { close(descriptor) } }
        var parser = LogLineParser(context: context, sources: sources, customRules: customRules)
        let chunkParser = ChunkParser(parts: parts, maximumLineLength: reader.maximumLineLength)
        var linesBefore = 0
        var recycled: [[ChunkParser.Outcome]] = []
        do {
            try reader.forEachWindow(descriptor: descriptor) { window in
                switch window {
                case .overlongLine:
                    linesBefore += 1
                    summary.recordMalformed(file: path, line: linesBefore, reason: "line longer than 1 MiB, skipped")
                case .lines(let bytes):
                    let parts = chunkParser.parse(bytes, parser: &parser, recycled: &recycled)
                    for part in parts {
                        for outcome in part.outcomes {
                            deliver(
                                outcome.result, line: linesBefore + outcome.line, path: path, summary: &summary,
                                onEvent: onEvent)
                        }
                        linesBefore += part.lineCount
                    }
                    recycled = parts.map(\.outcomes)
                }
            }
        } catch {
            summary.linesRead += linesBefore
            throw .readFailed(path: path, errno: error.errno)
        }
        summary.linesRead += linesBefore
    }

    private func deliver(
        _ result: LineParseResult?, line: Int, path: String, summary: inout ScanSummary,
        onEvent: (SecurityEvent) -> Void
    ) {
        switch result {
        case nil:
            summary.recordMalformed(file: path, line: line, reason: "line longer than 1 MiB, skipped")
        case .noMatch?:
            break
        case .event(var event)?:
            event.line = line
            summary.record(event)
            onEvent(event)
        case .injectionSuspected(let reason)?:
            summary.recordInjection(file: path, line: line, reason: reason)
        case .malformed(let reason)?:
            summary.recordMalformed(file: path, line: line, reason: reason)
        }
    }
}
