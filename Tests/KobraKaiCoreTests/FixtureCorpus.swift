import Foundation
import KobraKaiCore

/// The annotated sample lines under `Fixtures/` (format described in `Fixtures/README.md`).
struct FixtureCorpus {
    enum Expectation: Equatable {
        case none
        case injection
        case malformed
        case event([String: String])
    }

    struct Sample {
        let file: String
        let lineNumber: Int
        let line: String
        let expectation: Expectation
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures")

    static func files() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "log" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The samples of one file, in order; lines without an annotation expect `.none`.
    static func samples(in url: URL) throws -> [Sample] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var samples: [Sample] = []
        var pending: Expectation?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("# expect:") {
                pending = parseExpectation(line.dropFirst(9).trimmingCharacters(in: .whitespaces))
                continue
            }
            if line.hasPrefix("#") { continue }
            samples.append(
                Sample(
                    file: url.lastPathComponent, lineNumber: index + 1, line: String(line),
                    expectation: pending ?? .none))
            pending = nil
        }
        return samples
    }

    /// `rule=X ip=Y account=a b c`: values run to the next ` key=`, so accounts may contain spaces.
    static func parseExpectation(_ text: String) -> Expectation {
        switch text {
        case "none": return .none
        case "injection": return .injection
        case "malformed": return .malformed
        default: break
        }
        var fields: [String: String] = [:]
        let keys = ["rule", "ip", "port", "account", "service", "time"]
        var remaining = Substring(text)
        while let equals = remaining.firstIndex(of: "=") {
            let key = String(remaining[..<equals])
            var valueEnd = remaining.endIndex
            for other in keys {
                if let range = remaining[remaining.index(after: equals)...].range(of: " \(other)="),
                    range.lowerBound < valueEnd
                {
                    valueEnd = range.lowerBound
                }
            }
            fields[key] = String(remaining[remaining.index(after: equals)..<valueEnd])
            remaining = valueEnd == remaining.endIndex ? "" : remaining[remaining.index(after: valueEnd)...]
        }
        return .event(fields)
    }
}
