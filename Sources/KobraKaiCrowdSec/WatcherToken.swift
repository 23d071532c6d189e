import Foundation

/// The JWT from `POST /v1/watchers/login`: `{"code":200,"expire":"2026-11-22T07:49:21Z","token":"..."}`.
public struct WatcherToken: Hashable, Sendable {
    public var token: String
    /// When the LAPI stops accepting it (1 h after login on 1.4.6).
    public var expiresAt: Date

    public init(token: String, expiresAt: Date) {
        self.token = token
        self.expiresAt = expiresAt
    }

    /// Decodes a login response.
    /// - Throws: `CrowdSecError.malformedResponse` when the token or an RFC 3339 `expire` is missing.
    public static func decode(_ body: [UInt8]) throws(CrowdSecError) -> WatcherToken {
        struct Response: Decodable {
            var expire: String
            var token: String
        }
        let response: Response
        do {
            response = try JSONDecoder().decode(Response.self, from: Data(body))
        } catch {
            throw CrowdSecError(.malformedResponse, "the watcher login response is not {code, expire, token}: \(error)")
        }
        guard !response.token.isEmpty else { throw CrowdSecError(.malformedResponse, "the watcher login returned an empty token") }
        guard let expiry = parseRFC3339(response.expire) else {
            throw CrowdSecError(.malformedResponse, "the watcher login's expire \"\(response.expire)\" is not an RFC 3339 time")
        }
        return WatcherToken(token: response.token, expiresAt: expiry)
    }

    /// Go's `time.RFC3339` output, with or without fractional seconds.
    static func parseRFC3339(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
