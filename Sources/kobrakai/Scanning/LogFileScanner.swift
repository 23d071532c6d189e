#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KobraKaiCore

/// Runs the core's line parser over one input (a path or `-` for stdin), streaming.
///
/// Events reach `onEvent` in file order with their timestamps, which is what the ban policy consumes:
/// wiring `--decisions` is feeding this callback into the policy.
struct LogFileScanner {
    enum Failure: Error {
        case cannotOpen(path: String, errno: Int32)
        case readFailed(path: String, errno: Int32)
    }

    let context: TimeContext

    func scan(
        path: String, summary: inout ScanSummary, onEvent: (SecurityEvent) -> Void
    ) throws(Failure) {
        let descriptor: Int32 = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        defer { if descriptor != 0 { close(descriptor) } }
        var parser = LogLineParser(context: context)
        var lineNumber = 0
        do {
            try LineReader.forEachLine(descriptor: descriptor) { line in
                lineNumber += 1
                switch line {
                case .overlong:
                    summary.recordMalformed(file: path, line: lineNumber, reason: "line longer than 1 MiB, skipped")
                case .text(let bytes):
                    switch parser.parse(bytes, lineNumber: lineNumber) {
                    case .noMatch: break
                    case .event(let event):
                        summary.record(event)
                        onEvent(event)
                    case .injectionSuspected(let reason):
                        summary.recordInjection(file: path, line: lineNumber, reason: reason)
                    case .malformed(let reason):
                        summary.recordMalformed(file: path, line: lineNumber, reason: reason)
                    }
                }
            }
        } catch {
            summary.linesRead += lineNumber
            throw .readFailed(path: path, errno: error.errno)
        }
        summary.linesRead += lineNumber
    }
}
