/// One complete line of a followed file, without its line terminator.
public struct LogLine: Hashable, Sendable {
    /// The line's text; invalid UTF-8 is replaced by U+FFFD rather than dropping the line.
    public var text: String
    /// The byte offset just after this line's newline: persisting it resumes after this line.
    public var endOffset: Int64
    /// The line was longer than the configured bound and its middle was cut out (its start and end are kept,
    /// so an address at either end is still seen).
    public var isTruncated: Bool

    public init(text: String, endOffset: Int64, isTruncated: Bool = false) {
        self.text = text
        self.endOffset = endOffset
        self.isTruncated = isTruncated
    }
}
