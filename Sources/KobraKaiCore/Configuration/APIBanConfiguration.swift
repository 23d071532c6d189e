/// The `apiban` section: importing APIBAN's list of addresses that sent unwanted SIP traffic to its
/// honeypots (https://apiban.org), banned here for `banTime` each.
public struct APIBanConfiguration: Hashable, Sendable {
    /// APIBAN documents its limit as 5 requests in 2 minutes per key (the stricter of the figures its
    /// documentation has given); every request the client makes, pages and retries included, stays within it.
    public static let rateLimitRequests = 5
    public static let rateLimitWindow: Duration = .seconds(120)
    /// The shortest poll interval accepted: one request per interval stays within the documented limit.
    public static let minimumInterval: Duration = rateLimitWindow / rateLimitRequests

    /// Off by default: it needs a key from apiban.org.
    public var enabled = false
    /// The key inline. Prefer `keyFile` (mode 0600): the key is part of every request's URL.
    public var key: String?
    /// A file whose first line is the key; read by the daemon, refused when "other" users can read it.
    public var keyFile: String?
    /// The API base, without the key (`<url>/<key>/banned/<ID>` is requested).
    public var url = "https://apiban.org/api"
    /// Time between two polls for new bans.
    public var interval: Duration = .seconds(300)
    /// How long each imported address is banned (APIBAN keeps an address active for 7 days).
    public var banTime: Duration = .seconds(7 * 86_400)

    public init() {}
}
