import Logging

/// One line a test logger received.
struct RecordedLogLine: Sendable, CustomStringConvertible {
    var level: Logger.Level
    var message: String
    var description: String { "[\(level)] \(message)" }
}
