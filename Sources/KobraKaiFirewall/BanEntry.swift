import KobraKaiAddress

/// A ban as the backend holds it now.
public struct BanEntry: Hashable, Sendable {
    public var target: IPPrefix
    /// The timeout the ban was set with; `nil` for a permanent element.
    public var timeout: Duration?
    /// Time left before the backend drops the ban; `nil` for a permanent element.
    public var expiresIn: Duration?
    public var comment: String?

    public init(target: IPPrefix, timeout: Duration?, expiresIn: Duration?, comment: String?) {
        self.target = target
        self.timeout = timeout
        self.expiresIn = expiresIn
        self.comment = comment
    }
}
