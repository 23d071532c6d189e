import KobraKaiAddress

/// One address or prefix to ban for a given time.
public struct BanRequest: Hashable, Sendable {
    /// A host (full-length prefix) or a network prefix.
    public var target: IPPrefix
    /// How long the ban lasts; the backend expires it.
    public var timeout: Duration
    /// Why: rule, count and window. Stored with the element so that `nft list set` shows it.
    public var comment: String?

    public init(target: IPPrefix, timeout: Duration, comment: String? = nil) {
        self.target = target
        self.timeout = timeout
        self.comment = comment
    }
}

/// A ban the backend refused on its own, while the rest of its batch went through.
public struct RejectedBan: Hashable, Sendable {
    public var request: BanRequest
    public var error: FirewallError

    public init(request: BanRequest, error: FirewallError) {
        self.request = request
        self.error = error
    }
}
