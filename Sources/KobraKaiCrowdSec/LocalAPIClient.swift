import AsyncHTTPClient
import Foundation
import KobraKaiAddress
import NIOCore
import NIOHTTP1

/// The Local API calls KobraKai makes, over AsyncHTTPClient, with errors mapped to `CrowdSecError`.
public struct LocalAPIClient: Sendable {
    /// The LAPI base URL without `/v1`, e.g. `http://127.0.0.1:8080`.
    public var baseURL: String
    public var httpClient: HTTPClient
    /// Per request, connect included.
    public var timeout: Duration
    /// Sent with every request. CrowdSec 1.4.6 refuses a watcher login ("incorrect Username or Password")
    /// unless the User-Agent has exactly the form `name/version`, and shows the version in
    /// `cscli machines list` / `cscli bouncers list`.
    public var userAgent = "kobrakai/3"
    /// The largest body read; a full startup stream of 100,000 decisions is about 25 MB.
    public var maximumBodySize = 256 * 1024 * 1024

    public init(baseURL: String, httpClient: HTTPClient = LocalAPIClient.sharedHTTPClient, timeout: Duration = .seconds(30)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.httpClient = httpClient
        self.timeout = timeout
    }

    /// `GET /v1/decisions/stream`: everything active with `startup`, otherwise the changes since this key's
    /// last pull (the LAPI keeps that position per bouncer). `dedup=false` asks for every decision, not
    /// only the first per value: the bouncer tracks each id so that deleting one of two decisions for an
    /// address keeps the ban.
    public func decisionStream(apiKey: String, startup: Bool) async throws(CrowdSecError) -> DecisionStream {
        var request = HTTPClientRequest(url: "\(baseURL)/v1/decisions/stream?startup=\(startup)&dedup=false")
        request.headers.add(name: "X-Api-Key", value: apiKey)
        let body = try await send(request, what: "the decision stream", credentials: "bouncer API key")
        return try DecisionStream.decode(body)
    }

    /// `POST /v1/watchers/login`: a JWT for the watcher calls.
    public func login(machineID: String, password: String, scenarios: [String]) async throws(CrowdSecError) -> WatcherToken {
        struct Login: Encodable {
            var machineID: String
            var password: String
            var scenarios: [String]
            enum CodingKeys: String, CodingKey { case password, scenarios, machineID = "machine_id" }
        }
        var request = HTTPClientRequest(url: "\(baseURL)/v1/watchers/login")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(try encode(Login(machineID: machineID, password: password, scenarios: scenarios)))
        let body = try await send(request, what: "the watcher login", credentials: "machine id or password")
        return try WatcherToken.decode(body)
    }

    /// `POST /v1/alerts`: alerts whose decisions the LAPI stores as given.
    public func pushAlerts(_ alerts: [CrowdSecAlert], token: String) async throws(CrowdSecError) {
        var request = HTTPClientRequest(url: "\(baseURL)/v1/alerts")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.body = .bytes(try encode(alerts))
        _ = try await send(request, what: "the alert push", credentials: "watcher token")
    }

    /// `DELETE /v1/decisions?value=…&scenario=…` with the watcher's JWT (CrowdSec 1.4.6 lets machines delete
    /// decisions, as `cscli decisions delete -v … -s …` does through the same route; its delete filter knows
    /// `value`, `scenario`, `type`, `ip`, `range`, `contains`, not `scope`): only the decisions whose value is
    /// exactly this target AND whose scenario is ours go, so an unban never removes another source's decision
    /// (`ip=` would also match every range containing the address).
    /// - Returns: how many decisions the LAPI deleted.
    @discardableResult
    public func deleteDecisions(target: IPPrefix, scenario: String, token: String) async throws(CrowdSecError) -> Int {
        let value = target.isHost ? target.network.description : "\(target.network)/\(target.length)"
        let query = [("value", value), ("scenario", scenario)]
            .map { "\($0.0)=\(Self.percentEncoded($0.1))" }.joined(separator: "&")
        var request = HTTPClientRequest(url: "\(baseURL)/v1/decisions?\(query)")
        request.method = .DELETE
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let body = try await send(request, what: "the decision deletion", credentials: "watcher token")
        struct Deleted: Decodable {
            var nbDeleted: String?
        }
        // 1.4.6 answers {"nbDeleted":"N"}; an unexpected body after a 2xx still means it was deleted.
        return (try? JSONDecoder().decode(Deleted.self, from: Data(body))).flatMap { $0.nbDeleted.flatMap { Int($0) } } ?? 0
    }

    /// Query-string encoding: unreserved characters as is, everything else (`/`, `:`, spaces) percent-encoded.
    static func percentEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }

    private func encode(_ value: some Encodable) throws(CrowdSecError) -> ByteBuffer {
        do {
            return ByteBuffer(bytes: Array(try JSONEncoder().encode(value)))
        } catch {
            throw CrowdSecError(.malformedResponse, "could not encode the request: \(error)")
        }
    }

    private func send(_ request: HTTPClientRequest, what: String, credentials: String) async throws(CrowdSecError) -> [UInt8] {
        var request = request
        request.headers.replaceOrAdd(name: "User-Agent", value: userAgent)
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await httpClient.execute(request, timeout: .nanoseconds(timeout.nanosecondsClamped))
            body = try await response.body.collect(upTo: maximumBodySize)
        } catch {
            throw CrowdSecError(.unreachable, "CrowdSec LAPI at \(baseURL) is unreachable for \(what): \(error)")
        }
        let bytes = Array(body.readableBytesView)
        let status = Int(response.status.code)
        switch status {
        case 200..<300:
            return bytes
        case 401, 403:
            throw CrowdSecError(
                .unauthorized,
                "CrowdSec LAPI at \(baseURL) refused the \(credentials) for \(what) (HTTP \(status)): \(Self.excerpt(bytes))")
        default:
            throw CrowdSecError(
                .httpStatus(status), "CrowdSec LAPI at \(baseURL) answered HTTP \(status) to \(what): \(Self.excerpt(bytes))")
        }
    }

    /// The start of an error body (the LAPI sends `{"message": "..."}`), printable characters only.
    private static func excerpt(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(300), as: UTF8.self)
        return String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
    }
}

extension LocalAPIClient {
    /// The client every `LocalAPIClient` uses unless given another; lives as long as the process.
    ///
    /// Unlike `HTTPClient.shared`, it does not retry a refused connection until the request's deadline:
    /// a LAPI that is down must be reported (and backed off from) at once, not after the whole timeout.
    public static let sharedHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}

extension Duration {
    /// Whole nanoseconds, saturating (AsyncHTTPClient takes NIO's `TimeAmount`).
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return whole &+ attoseconds / 1_000_000_000
    }
}
