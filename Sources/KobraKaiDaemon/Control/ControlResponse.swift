/// One response line: `{"ok":true,"result":...}` or `{"ok":false,"error":"..."}`.
public struct ControlResponse: Codable, Hashable, Sendable {
    public var ok: Bool
    public var error: String?
    public var result: JSONValue?

    public init(ok: Bool, error: String? = nil, result: JSONValue? = nil) {
        self.ok = ok
        self.error = error
        self.result = result
    }

    public static func success(_ result: JSONValue? = nil) -> ControlResponse { ControlResponse(ok: true, result: result) }

    public static func failure(_ message: String) -> ControlResponse { ControlResponse(ok: false, error: message) }
}
