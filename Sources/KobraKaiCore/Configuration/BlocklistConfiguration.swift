/// The `blocklists` section: files of addresses and prefixes (one per line, `#` comments, the allowlist
/// file format) banned for as long as they stay listed.
public struct BlocklistConfiguration: Hashable, Sendable {
    /// Absolute paths; empty (the default) runs no blocklist service.
    public var files: [String] = []
    /// Time between two readings of the files (`kobrakai reload` also reads them at once).
    public var interval: Duration = .seconds(300)
    /// The timeout each listed entry is banned with; refreshed before it runs out while the entry stays
    /// listed, so an entry removed from a file is lifted at the next reading, and a daemon that stopped
    /// leaves nothing behind for longer than this.
    public var banTime: Duration = .seconds(86_400)

    public init() {}
}
