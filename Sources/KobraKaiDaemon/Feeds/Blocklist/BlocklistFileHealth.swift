/// One blocklist file's state for `kobrakai status`.
public struct BlocklistFileHealth: Hashable, Sendable {
    public var path: String
    public var feed = FeedHealth()
    /// Lines that are neither an address, a prefix, a comment nor blank, at the last good reading.
    public var badLines = 0

    public init(path: String) { self.path = path }
}
