/// A parsed JSON document. Objects keep their keys in file order (for stable warnings) and remember
/// where each value started, so that configuration errors can point at a line.
public indirect enum JSONValue: Hashable, Sendable {
    case object([Member])
    case array([JSONValue])
    case string(String)
    /// The number's source text, so that integers are read exactly and `5.0` vs `5` can be told apart.
    case number(String)
    case bool(Bool)
    case null

    public struct Member: Hashable, Sendable {
        public var key: String
        public var value: JSONValue
        /// 1-based line of the key in the source text.
        public var line: Int
    }

    /// A short name for error messages ("a string", "an object").
    var kindDescription: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "true or false"
        case .null: "null"
        }
    }
}
