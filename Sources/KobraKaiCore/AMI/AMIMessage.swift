/// One AMI message (response or event): its `Key: Value` lines in order.
///
/// Keys are compared case-insensitively, as Asterisk does. Duplicates are kept, not merged, so that the
/// security-event mapping can refuse them: a second `RemoteAddress:` can only come from attacker text
/// (a CR/LF in an AccountID, §6.4 (4)).
public struct AMIMessage: Hashable, Sendable {
    public struct Field: Hashable, Sendable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public var fields: [Field]

    public init(fields: [Field]) { self.fields = fields }

    /// The value of the first field named `key` (case-insensitive).
    public func value(_ key: String) -> String? {
        fields.first { $0.key.caseInsensitivelyEquals(key) }?.value
    }

    /// Keys that occur more than once (lowercased), in first-seen order.
    public var duplicatedKeys: [String] {
        var seen: Set<String> = []
        var duplicated: [String] = []
        for field in fields {
            let key = field.key.lowercased()
            if !seen.insert(key).inserted && !duplicated.contains(key) { duplicated.append(key) }
        }
        return duplicated
    }
}

extension String {
    func caseInsensitivelyEquals(_ other: String) -> Bool {
        utf8.count == other.utf8.count && lowercased() == other.lowercased()
    }
}
