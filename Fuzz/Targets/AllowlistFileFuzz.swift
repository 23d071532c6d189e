import KobraKaiAddress
import KobraKaiCore

// Allowlist file parsing. Invariants: it never crashes; every entry is a prefix whose text parses back to
// the same prefix; every error names a line that exists and keeps at most 100 characters of its text;
// entries and errors together never outnumber the lines.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: fuzzBytes(start, count), as: UTF8.self)
    let file = AllowlistFile.parse(text)
    let lineCount = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).count
    fuzzCheck(file.entries.count + file.errors.count <= lineCount, "more results than lines")
    for entry in file.entries {
        let reparsed = try? IPPrefix(parsing: entry.description)
        fuzzCheck(reparsed == entry, "entry \(entry) does not parse back to itself (got \(String(describing: reparsed)))")
    }
    for error in file.errors {
        fuzzCheck((1...lineCount).contains(error.line), "error on line \(error.line) of \(lineCount)")
        fuzzCheck(error.text.count <= 100, "error text longer than 100 characters")
        fuzzCheck(!error.reason.isEmpty, "error without a reason")
    }
    return 0
}
