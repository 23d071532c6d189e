import KobraKaiAddress

/// The text format of allowlist files: one IP address or CIDR per line, `#` starts a comment (whole line
/// or after the entry), blank lines are ignored. This reads KobraKai v2.3's `ignore-list.txt` /
/// `ignore_ips.txt` and SIPban's `sipban.wl` unchanged. The file is read by the daemon; this parses its text.
public struct AllowlistFile: Hashable, Sendable {
    public var entries: [IPPrefix]
    /// Lines that could not be used; the good lines are still returned (bad input loses nothing else).
    public var errors: [AllowlistFileEntryError]

    public init(entries: [IPPrefix], errors: [AllowlistFileEntryError]) {
        self.entries = entries
        self.errors = errors
    }

    public static func parse(_ text: String) -> AllowlistFile {
        var entries: [IPPrefix] = []
        var errors: [AllowlistFileEntryError] = []
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            var content = Substring(rawLine)
            if let hash = content.firstIndex(of: "#") { content = content[..<hash] }
            let entry = content.trimmingSpaces()
            if entry.isEmpty { continue }
            do {
                entries.append(try IPPrefix(parsing: entry))
            } catch {
                errors.append(AllowlistFileEntryError(line: lineNumber, text: String(entry.prefix(100)), reason: error.description))
            }
        }
        return AllowlistFile(entries: entries, errors: errors)
    }
}
