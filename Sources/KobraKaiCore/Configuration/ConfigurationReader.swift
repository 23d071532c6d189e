import KobraKaiAddress
import KobraKaiFirewall

/// Reads one JSON object of the configuration, remembering its key path and which keys were used, so
/// that unknown keys become warnings ("unknown key policy.treshold") and bad values name their key.
struct ConfigurationReader {
    let path: String
    private let members: [String: JSONValue]
    private let order: [String]
    private var used: Set<String> = []

    init(_ value: JSONValue, path: String) throws(ConfigurationError) {
        guard case .object(let list) = value else {
            throw ConfigurationError(keyPath: path, reason: "must be an object, got \(value.kindDescription)")
        }
        self.path = path
        var members: [String: JSONValue] = [:]
        for member in list { members[member.key] = member.value }
        self.members = members
        order = list.map(\.key)
    }

    /// The keys of this object in file order.
    var keysInOrder: [String] { order }

    func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func has(_ key: String) -> Bool {
        if case .some(.null) = members[key] { return false }
        return members[key] != nil
    }

    /// The raw value of `key` (null counts as absent), marking the key as used.
    mutating func value(_ key: String) -> JSONValue? {
        used.insert(key)
        guard let value = members[key] else { return nil }
        if case .null = value { return nil }
        return value
    }

    /// Warnings for every key nobody asked for, in file order.
    func unknownKeyWarnings() -> [ConfigurationWarning] {
        order.filter { !used.contains($0) }.map {
            ConfigurationWarning(keyPath: childPath($0), message: "unknown key \(childPath($0)) (ignored)")
        }
    }

    mutating func object(_ key: String) throws(ConfigurationError) -> ConfigurationReader? {
        guard let value = value(key) else { return nil }
        return try ConfigurationReader(value, path: childPath(key))
    }

    mutating func string(_ key: String) throws(ConfigurationError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else { throw typeError(key, "a string", value) }
        return text
    }

    mutating func bool(_ key: String) throws(ConfigurationError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else { throw typeError(key, "true or false", value) }
        return flag
    }

    mutating func integer(_ key: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        guard let value = value(key) else { return nil }
        guard case .number(let text) = value, let number = Int(text) else { throw typeError(key, "a whole number", value) }
        guard range.contains(number) else {
            throw ConfigurationError(
                keyPath: childPath(key), reason: "must be between \(range.lowerBound) and \(range.upperBound), got \(number)")
        }
        return number
    }

    mutating func decimal(_ key: String) throws(ConfigurationError) -> Double? {
        guard let value = value(key) else { return nil }
        guard case .number(let text) = value, let number = Double(text), number.isFinite else {
            throw typeError(key, "a number", value)
        }
        return number
    }

    /// A duration as text (`90s`, `15m`, `1h30m`, `7d`) or a whole number of seconds.
    mutating func duration(_ key: String) throws(ConfigurationError) -> Duration? {
        guard let value = value(key) else { return nil }
        switch value {
        case .number(let text):
            guard let seconds = Int64(text), seconds > 0 else {
                throw ConfigurationError(keyPath: childPath(key), reason: "must be a positive whole number of seconds or text like \"10m\", got \(text)")
            }
            return .seconds(seconds)
        case .string(let text):
            guard let duration = DurationText.parse(text), duration.milliseconds > 0 else {
                throw ConfigurationError(keyPath: childPath(key), reason: "invalid duration \"\(text)\" (use e.g. 90s, 15m, 1h30m, 7d)")
            }
            return duration
        default:
            throw typeError(key, "a duration", value)
        }
    }

    mutating func severity(_ key: String) throws(ConfigurationError) -> Severity? {
        guard let text = try string(key) else { return nil }
        guard let severity = Severity(rawValue: text.lowercased()) else {
            throw ConfigurationError(
                keyPath: childPath(key), reason: "unknown severity \"\(text)\" (use informational, low, medium or high)")
        }
        return severity
    }

    /// An absolute filesystem path.
    mutating func path(_ key: String) throws(ConfigurationError) -> String? {
        guard let text = try string(key) else { return nil }
        guard text.hasPrefix("/"), !text.utf8.contains(0) else {
            throw ConfigurationError(keyPath: childPath(key), reason: "must be an absolute path, got \"\(text)\"")
        }
        return text
    }

    mutating func array(_ key: String) throws(ConfigurationError) -> [JSONValue]? {
        guard let value = value(key) else { return nil }
        guard case .array(let elements) = value else { throw typeError(key, "an array", value) }
        return elements
    }

    mutating func stringArray(_ key: String) throws(ConfigurationError) -> [String]? {
        guard let elements = try array(key) else { return nil }
        var result: [String] = []
        for (index, element) in elements.enumerated() {
            guard case .string(let text) = element else {
                throw ConfigurationError(keyPath: "\(childPath(key))[\(index)]", reason: "must be a string, got \(element.kindDescription)")
            }
            result.append(text)
        }
        return result
    }

    /// CIDR or host entries; the error names the element and the parser's reason.
    mutating func prefixArray(_ key: String) throws(ConfigurationError) -> [IPPrefix]? {
        guard let texts = try stringArray(key) else { return nil }
        var result: [IPPrefix] = []
        for (index, text) in texts.enumerated() {
            do {
                result.append(try IPPrefix(parsing: text.trimmingSpaces()))
            } catch {
                throw ConfigurationError(keyPath: "\(childPath(key))[\(index)]", reason: error.description)
            }
        }
        return result
    }

    private func typeError(_ key: String, _ expected: String, _ value: JSONValue) -> ConfigurationError {
        ConfigurationError(keyPath: childPath(key), reason: "must be \(expected), got \(value.kindDescription)")
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs, carriage returns and newlines.
    func trimmingSpaces() -> Substring {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        let text = Substring(self)
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) }) else {
            return text[text.endIndex...]
        }
        return text[first...last]
    }
}
