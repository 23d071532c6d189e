import KobraKaiAddress

/// What one reading of one blocklist file gave: its entries (the previous ones when it could not be read).
struct BlocklistReading: Sendable {
    var path: String
    /// `blocklist:<file name>`: the comment of the bans this file makes.
    var comment: String
    var entries: [IPPrefix]
    var badLines: Int
    /// Why the file could not be read this time.
    var failure: String?
    /// Whether a good reading of this file happened earlier in this process.
    var hadPrevious: Bool
}
