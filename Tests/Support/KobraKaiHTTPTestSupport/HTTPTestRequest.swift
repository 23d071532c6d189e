/// One request a `LoopbackHTTPServer` received.
public struct HTTPTestRequest: Hashable, Sendable {
    public var method: String
    /// The request target as sent (path and query).
    public var path: String
    /// Header names lower-cased, in the order received.
    public var headers: [HTTPTestHeader]
    public var body: [UInt8]

    public init(method: String, path: String, headers: [HTTPTestHeader], body: [UInt8]) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name == lowered }?.value
    }
}

/// One header line.
public struct HTTPTestHeader: Hashable, Sendable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
