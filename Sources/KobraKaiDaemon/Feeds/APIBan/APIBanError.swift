/// Why a request to APIBAN did not give a page. Messages never contain the API key.
public struct APIBanError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// No answer: connection refused, DNS, TLS, timeout.
        case unreachable
        /// HTTP 429: the key's request budget is spent; `retryAfter` from the `Retry-After` header if sent.
        case rateLimited(retryAfter: Duration?)
        /// HTTP 401/403: the key is wrong or revoked.
        case unauthorized
        /// Any other status that is not a page or "no new bans".
        case httpStatus(Int)
        /// A 2xx answer that is not the documented JSON.
        case malformedResponse
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
