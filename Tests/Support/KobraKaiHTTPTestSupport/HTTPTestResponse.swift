/// What a `LoopbackHTTPServer` answers to one request.
public struct HTTPTestResponse: Hashable, Sendable {
    public var status: Int
    public var headers: [HTTPTestHeader]
    public var body: [UInt8]
    /// Waited before answering (a slow peer, a client timeout).
    public var delay: Duration
    /// Close the connection without answering at all (a peer that dies mid-request).
    public var dropConnection: Bool

    public init(status: Int, headers: [HTTPTestHeader] = [], body: [UInt8] = [], delay: Duration = .zero, dropConnection: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
        self.dropConnection = dropConnection
    }

    /// A JSON body with `Content-Type: application/json`.
    public static func json(_ status: Int, _ text: String, headers: [HTTPTestHeader] = [], delay: Duration = .zero) -> HTTPTestResponse {
        HTTPTestResponse(status: status, headers: [HTTPTestHeader(name: "Content-Type", value: "application/json")] + headers,
                         body: Array(text.utf8), delay: delay)
    }

    /// A plain-text body.
    public static func text(_ status: Int, _ text: String) -> HTTPTestResponse {
        HTTPTestResponse(status: status, headers: [HTTPTestHeader(name: "Content-Type", value: "text/plain")], body: Array(text.utf8))
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}
