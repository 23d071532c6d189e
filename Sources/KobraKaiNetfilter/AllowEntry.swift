import KobraKaiAddress

/// One entry of the allowlist sets.
public struct AllowEntry: Hashable, Sendable {
    public var target: IPPrefix
    public var comment: String?

    public init(target: IPPrefix, comment: String?) {
        self.target = target
        self.comment = comment
    }
}
