/// How far a file has been consumed: the byte offset just after the last complete line handed out, in the
/// file with this identity. Persisted so that a restart neither re-reads nor skips lines.
public struct FilePosition: Hashable, Sendable, CustomStringConvertible {
    public var identity: FileIdentity
    public var offset: Int64
    /// A hash of the (up to) 64 bytes just before `offset` (`TailFingerprint.hash`): at start, a file with
    /// the right identity counts as the same file only if it still holds those bytes. Identity alone is
    /// not enough: a file truncated in place (copytruncate) keeps its inode, and a deleted file's inode
    /// number goes to the next new file. Nil when unknown (positions saved before it existed).
    public var tailHash: UInt64?

    public init(identity: FileIdentity, offset: Int64, tailHash: UInt64? = nil) {
        self.identity = identity
        self.offset = offset
        self.tailHash = tailHash
    }

    public var description: String { "\(identity) offset \(offset)" }
}
