import KobraKaiAddress

/// Parses a ban list: one address or CIDR prefix per line, `#` starts a comment, blank lines are skipped.
enum BanListParser {
    struct Entry {
        var target: IPPrefix
        var line: Int
    }

    struct Rejection {
        var line: Int
        var reason: String
    }

    static func parse(_ text: String) -> (entries: [Entry], rejected: [Rejection]) {
        var entries: [Entry] = []
        var rejected: [Rejection] = []
        var seen = Set<IPPrefix>()
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let trimmed = content.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            do {
                let target = try IPPrefix(parsing: trimmed)
                if seen.insert(target).inserted { entries.append(Entry(target: target, line: index + 1)) }
            } catch {
                rejected.append(Rejection(line: index + 1, reason: error.description))
            }
        }
        return (entries, rejected)
    }
}

private extension Substring {
    func trimmingCharacters(in set: Set<Character>) -> Substring {
        var result = self
        while let first = result.first, set.contains(first) { result = result.dropFirst() }
        while let last = result.last, set.contains(last) { result = result.dropLast() }
        return result
    }
}

private extension Set<Character> {
    static let whitespaces: Set<Character> = [" ", "\t", "\r"]
}
