#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization

/// swift-log to standard error, one line per message, in the form journald reads best.
///
/// Under systemd (`$JOURNAL_STREAM` set) each line starts with `<N>`, the syslog priority journald turns
/// into the entry's PRIORITY (so `journalctl -p warning` works) and no time stamp (journald adds one).
/// Elsewhere: `2026-11-22T06:40:00Z warning kobrakai.engine: message key=value`. Never colour; newlines
/// inside a message or value become `\n` so one message stays one line.
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let journald: Bool

    public init(label: String, level: Logger.Level, journald: Bool) {
        self.label = label
        self.logLevel = level
        self.journald = journald
    }

    /// Bootstraps swift-log once per process; `$JOURNAL_STREAM` decides the format.
    public static func bootstrap(level: Logger.Level) {
        let journald = getenv("JOURNAL_STREAM") != nil
        LoggingSystem.bootstrap { label in JournalLogHandler(label: label, level: level, journald: journald) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = journald ? "<\(Self.priority(event.level))>" : "\(Self.utcNow()) \(event.level) "
        line += "\(label): \(Self.oneLine("\(event.message)"))"
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for key in merged.keys.sorted() {
            line += " \(key)=\(Self.oneLine("\(merged[key]!)"))"
        }
        line += "\n"
        Self.write(line)
    }

    /// syslog(3) priorities: journald maps `<N>` onto them.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    private static func oneLine(_ text: String) -> String {
        text.contains(where: \.isNewline) ? text.split(whereSeparator: \.isNewline).joined(separator: "\\n") : text
    }

    private static func utcNow() -> String {
        var now = time(nil)
        var broken = tm()
        gmtime_r(&now, &broken)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(broken.tm_year + 1900)-\(two(broken.tm_mon + 1))-\(two(broken.tm_mday))T"
            + "\(two(broken.tm_hour)):\(two(broken.tm_min)):\(two(broken.tm_sec))Z"
    }

    /// One write(2) per line under a lock: lines from concurrent tasks never interleave.
    private static let lock = Mutex(())

    private static func write(_ line: String) {
        lock.withLock { _ in
            var bytes = Array(line.utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress! + offset, $0.count - offset) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
