/// Lines read in one go from one file; a batch never spans two files (rotation ends a batch).
public struct LogBatch: Hashable, Sendable {
    /// The configured path being followed (the lines may come from the file it named before a rotation).
    public var path: String
    public var lines: [LogLine]
    /// The position after the last line of this batch: save it once the lines are processed.
    public var position: FilePosition

    public init(path: String, lines: [LogLine], position: FilePosition) {
        self.path = path
        self.lines = lines
        self.position = position
    }
}
