import AsyncHTTPClient
import KobraKaiCrowdSec
import NIOCore
import NIOHTTP1

/// `GET <base>/<key>/banned` and `GET <base>/<key>/banned/<ID>` over AsyncHTTPClient.
///
/// The key is part of the URL, so every message this client produces names the URL with `<key>` in its
/// place, and any text from below (AsyncHTTPClient errors, bodies) has the key masked too.
public struct APIBanClient: Sendable {
    /// The API base without the key, e.g. `https://apiban.org/api`.
    public var baseURL: String
    private let key: String
    public var httpClient: HTTPClient
    /// Per request, connect included.
    public var timeout: Duration
    public var userAgent = "kobrakai/3"
    /// A page of 250 addresses is about 5 KB; anything far larger is not APIBAN.
    public var maximumBodySize = 4 * 1024 * 1024

    public init(baseURL: String, key: String, httpClient: HTTPClient = LocalAPIClient.sharedHTTPClient, timeout: Duration = .seconds(30)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.key = key
        self.httpClient = httpClient
        self.timeout = timeout
    }

    /// The page after `id` (the first page when `nil`).
    public func banned(after id: String?) async throws(APIBanError) -> APIBanPage {
        let path = id.map { "/banned/\($0)" } ?? "/banned"
        let shown = "\(baseURL)/<key>\(path)"
        var request = HTTPClientRequest(url: "\(baseURL)/\(key)\(path)")
        request.headers.add(name: "User-Agent", value: userAgent)
        request.headers.add(name: "Accept", value: "application/json")
        let response: HTTPClientResponse
        let bytes: [UInt8]
        do {
            response = try await httpClient.execute(request, timeout: .nanoseconds(Self.nanoseconds(timeout)))
            bytes = Array(try await response.body.collect(upTo: maximumBodySize).readableBytesView)
        } catch {
            throw APIBanError(.unreachable, masked("APIBAN at \(shown) is unreachable: \(error)"))
        }
        let status = Int(response.status.code)
        // APIBAN's rate-limit body (`{"ipaddress":"rate limit exceeded", ...}`) has come with other statuses
        // than 429 too (its own client checks 400 and 403 bodies for it).
        if status >= 400, status != 429, APIBanPage.isRateLimitNotice(bytes) {
            throw APIBanError(.rateLimited(retryAfter: nil), masked("APIBAN at \(shown) rate-limited this key (HTTP \(status))"))
        }
        switch status {
        case 200..<300:
            guard let page = APIBanPage.decode(bytes) else {
                throw APIBanError(.malformedResponse, masked("APIBAN at \(shown) answered HTTP \(status) with an unexpected body: \(Self.excerpt(bytes))"))
            }
            return page
        case 400:
            // "No new bans" is a 400 with ID "none"; any other 400 is a real error.
            if case .noNewBans = APIBanPage.decode(bytes) { return .noNewBans }
            throw APIBanError(.httpStatus(400), masked("APIBAN at \(shown) answered HTTP 400: \(Self.excerpt(bytes))"))
        case 401, 403:
            throw APIBanError(.unauthorized, masked("APIBAN at \(shown) refused the key (HTTP \(status)): \(Self.excerpt(bytes))"))
        case 429:
            let retryAfter = response.headers.first(name: "Retry-After").flatMap(Self.retryAfter)
            throw APIBanError(.rateLimited(retryAfter: retryAfter), masked("APIBAN at \(shown) rate-limited this key (HTTP 429)"))
        default:
            throw APIBanError(.httpStatus(status), masked("APIBAN at \(shown) answered HTTP \(status): \(Self.excerpt(bytes))"))
        }
    }

    private func masked(_ text: String) -> String {
        key.isEmpty ? text : text.replacing(key, with: "<key>")
    }

    /// `Retry-After` in seconds (the HTTP-date form is not used by APIBAN; it falls back to the backoff).
    static func retryAfter(_ value: String) -> Duration? {
        guard let seconds = Int64(value.trimmingSpacesAndTabs()), seconds >= 0, seconds <= 86_400 else { return nil }
        return .seconds(seconds)
    }

    /// The start of a body, printable characters only.
    static func excerpt(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(200), as: UTF8.self)
        return String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole &+ attoseconds / 1_000_000_000
    }
}

extension String {
    fileprivate func trimmingSpacesAndTabs() -> Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else { return "" }
        return self[first...last]
    }
}
