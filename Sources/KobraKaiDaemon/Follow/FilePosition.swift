/// How far a file has been consumed: the byte offset just after the last complete line handed out, in the
/// file with this identity. Persisted so that a restart neither re-reads nor skips lines.
public struct FilePosition: Hashable, Sendable, CustomStringConvertible {
    public var identity: FileIdentity
    public var offset: Int64

    public init(identity: FileIdentity, offset: Int64) {
        self.identity = identity
        self.offset = offset
    }

    public var description: String { "\(identity) offset \(offset)" }
}
