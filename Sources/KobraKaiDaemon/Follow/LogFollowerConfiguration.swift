import KobraKaiCore

/// What to follow and where to start.
public struct LogFollowerConfiguration: Hashable, Sendable {
    /// Where a file with no usable saved position is first read from.
    public enum StartPoint: String, Hashable, Sendable {
        /// Only lines written from now on (the default: a first run does not replay old attacks).
        case end
        /// The whole file.
        case beginning
    }

    /// The path as configured; the file may be missing, rotated or re-created at any time.
    public var path: String
    /// Used at start when `savedPosition` is `nil`. A file that appears or is replaced later is always read
    /// from its beginning, since every line in it is new.
    public var startPoint: StartPoint
    /// The position persisted by a previous run. Used when its identity matches the file present at start;
    /// a different identity means the file was rotated while the daemon was down, so it is read from 0.
    public var savedPosition: FilePosition?
    /// When `savedPosition` was saved: a rotated file written after that moment is read even when the file
    /// the position names is gone. Nil when unknown.
    public var positionSavedAt: Timestamp?
    /// Longest line kept whole; longer lines keep their first and last halves (bounded memory).
    public var maxLineLength: Int
    /// Most lines handed out in one batch; the rest follow in the next one without waiting.
    public var maxBatchLines: Int

    public init(
        path: String, startPoint: StartPoint = .end, savedPosition: FilePosition? = nil,
        positionSavedAt: Timestamp? = nil, maxLineLength: Int = 64 * 1024, maxBatchLines: Int = 1024
    ) {
        precondition(maxLineLength >= 16 && maxBatchLines >= 1)
        self.path = path
        self.startPoint = startPoint
        self.savedPosition = savedPosition
        self.positionSavedAt = positionSavedAt
        self.maxLineLength = maxLineLength
        self.maxBatchLines = maxBatchLines
    }
}
