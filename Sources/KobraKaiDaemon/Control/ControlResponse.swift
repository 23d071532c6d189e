/// One response line: `{"ok":true,"result":...}` or `{"ok":false,"error":"..."}`.
public struct ControlResponse: Codable, Hashable, Sendable {
    public var ok: Bool
    public var error: String?
    public var result: ControlValue?

    public init(ok: Bool, error: String? = nil, result: ControlValue? = nil) {
        self.ok = ok
        self.error = error
        self.result = result
    }

    public static func success(_ result: ControlValue? = nil) -> ControlResponse { ControlResponse(ok: true, result: result) }

    public static func failure(_ message: String) -> ControlResponse { ControlResponse(ok: false, error: message) }
}
