import Logging

/// A swift-log handler that appends every line to a `Recorder`, so tests can check what operators see.
struct RecordingLogHandler: LogHandler {
    let recorder: Recorder<RecordedLogLine>
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    init(_ recorder: Recorder<RecordedLogLine>) { self.recorder = recorder }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        recorder.append(RecordedLogLine(level: event.level, message: "\(event.message)"))
    }
}
