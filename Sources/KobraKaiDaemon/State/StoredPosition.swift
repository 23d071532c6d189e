import KobraKaiCore

/// A log position as the state database holds it: where the follower was, and when that was saved.
public struct StoredPosition: Hashable, Sendable {
    public var position: FilePosition
    /// Wall-clock time of the save; nil for a row from before the column existed.
    public var savedAt: Timestamp?

    public init(position: FilePosition, savedAt: Timestamp?) {
        self.position = position
        self.savedAt = savedAt
    }
}
