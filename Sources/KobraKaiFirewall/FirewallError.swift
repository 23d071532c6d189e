/// A failure of a ban backend, with a code callers can branch on and a message an operator can act on.
public struct FirewallError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: Hashable, Sendable {
        /// The table or one of its sets does not exist: `nft -f nft/kobrakai.nft` loads them.
        case rulesetMissing
        /// The process lacks CAP_NET_ADMIN.
        case permissionDenied
        /// A prefix overlaps one already in an interval set.
        case overlap
        /// The set reached its size limit.
        case setFull
        /// The running kernel does not support the operation.
        case unsupportedByKernel
        /// The element itself is invalid (wrong family, zero or huge timeout).
        case invalidElement
        /// Replies were lost (ENOBUFS); the caller must list the set to learn what happened.
        case outcomeUnknown
        /// Any other system error.
        case system
    }

    public var code: Code
    public var message: String
    /// The errno behind the failure, when there is one.
    public var errno: Int32?

    public init(_ code: Code, _ message: String, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    public var description: String { message }
}
