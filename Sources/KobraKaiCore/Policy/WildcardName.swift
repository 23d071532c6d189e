/// Case-insensitive matching of short configuration names with `*` wildcards (`*successful*auth*`).
///
/// Only for trusted configuration text against rule ids from the catalogue; greedy segment search,
/// so it runs in O(name × pattern) with no backtracking blow-up.
enum WildcardName {
    static func matches(_ name: String, pattern: String) -> Bool {
        let text = Array(name.lowercased().utf8)
        let segments = pattern.lowercased().split(separator: "*", omittingEmptySubsequences: false).map { Array($0.utf8) }
        guard segments.count > 1 else { return text == segments[0] }
        var position = 0
        for (index, segment) in segments.enumerated() {
            if index == 0 {
                guard text.starts(with: segment) else { return false }
                position = segment.count
            } else if index == segments.count - 1 {
                return text.count - position >= segment.count && text.suffix(segment.count).elementsEqual(segment)
            } else if !segment.isEmpty {
                guard let found = find(segment, in: text, from: position) else { return false }
                position = found + segment.count
            }
        }
        return true
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count - start else { return nil }
        for offset in start...(haystack.count - needle.count)
        where haystack[offset..<(offset + needle.count)].elementsEqual(needle) {
            return offset
        }
        return nil
    }
}
