/// Why a call to the Local API failed, phrased for the operator's log and `kobrakai status`.
public struct CrowdSecError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: Hashable, Sendable {
        /// Connection refused, reset, timed out or DNS failure: the LAPI is down or unreachable.
        case unreachable
        /// 401/403: the bouncer key or the machine credentials were refused.
        case unauthorized
        /// Any other non-success HTTP status (5xx while the LAPI's database is busy, for example).
        case httpStatus(Int)
        /// A body that is not the JSON the API documents.
        case malformedResponse
        /// The decisions were read but the firewall failed to apply them (the next pull resyncs in full).
        case firewall
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
