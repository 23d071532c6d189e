import KobraKaiHTTPTestSupport
import Synchronization

/// A local stand-in for apiban.org that answers as its documentation says: `GET /api/<key>/banned` gives
/// the first page, `GET /api/<key>/banned/<ID>` the page after the one that carried `ID`, and when nothing
/// is newer `HTTP 400 {"ipaddress":["no new bans"],"ID":"none"}`; a wrong key gets
/// `HTTP 403 {"ipaddress":"none","ID":"unauthorized"}`. Tests can queue other answers (429, 5xx, bad JSON,
/// a slow reply) that are given before the documented ones.
final class FakeAPIBan: Sendable {
    struct Page: Sendable {
        var id: String
        /// Raw JSON array elements, e.g. `"\"192.0.2.1\""` or `42`.
        var elements: [String]
    }

    /// The published pages and the queued answers, shared with the server's thread.
    final class Script: Sendable {
        let pages = Mutex<[Page]>([])
        let queued = Mutex<[HTTPTestResponse]>([])
    }

    static let key = "Test-Key_0123456789abcdef"
    private let script: Script
    let server: LoopbackHTTPServer

    init() throws {
        let script = Script()
        self.script = script
        server = try LoopbackHTTPServer { request in
            if let forced = script.queued.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { return forced }
            return Self.answer(request.path, pages: script.pages.withLock { $0 })
        }
    }

    /// The base URL the client is given (`.../api`).
    var url: String { server.baseURL + "/api" }

    /// The request paths received, in order, with the key replaced by `KEY`.
    var paths: [String] { server.requests.map { $0.path.replacing(Self.key, with: "KEY") } }

    func publish(_ page: Page) { script.pages.withLock { $0.append(page) } }

    /// A page of addresses given as text.
    func publish(id: String, addresses: [String]) { publish(Page(id: id, elements: addresses.map { "\"\($0)\"" })) }

    /// Answers given, in order, before the documented ones.
    func queue(_ responses: HTTPTestResponse...) { script.queued.withLock { $0 += responses } }

    static func answer(_ path: String, pages: [Page]) -> HTTPTestResponse {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 3, parts[0] == "api", parts[2] == "banned" else { return .json(404, #"{"ipaddress":"none","ID":"none"}"#) }
        guard parts[1] == key else { return .json(403, #"{"ipaddress":"none", "ID":"unauthorized"}"#) }
        let next: Int
        if parts.count == 3 {
            next = 0
        } else if let index = pages.firstIndex(where: { $0.id == parts[3] }) {
            next = index + 1
        } else {
            // APIBAN's IDs are timestamps: an unknown one means "after everything you have".
            next = pages.count
        }
        guard next < pages.count else { return .json(400, #"{"ipaddress":["no new bans"], "ID":"none"}"#) }
        let page = pages[next]
        return .json(200, #"{"ipaddress":["# + page.elements.joined(separator: ",") + #"], "ID":""# + page.id + #""}"#)
    }

    /// `count` distinct addresses from 198.18.0.0/15 (benchmarking range), starting at `offset`.
    static func addresses(_ count: Int, offset: Int = 0) -> [String] {
        (offset..<(offset + count)).map { "198.18.\($0 / 250).\($0 % 250 + 1)" }
    }
}
