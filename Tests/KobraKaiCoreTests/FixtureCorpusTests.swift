import Foundation
import KobraKaiAddress
import KobraKaiCore
import Testing

@Suite("Fixture corpus")
struct FixtureCorpusTests {
    static let context = TimeContext(year: 2024, utcOffsetSeconds: 0)

    @Test("every annotated line parses as annotated", arguments: try FixtureCorpus.files().map(\.lastPathComponent))
    func corpusFile(_ name: String) throws {
        let samples = try FixtureCorpus.samples(in: FixtureCorpus.directory.appendingPathComponent(name))
        #expect(!samples.isEmpty)
        var parser = LogLineParser(context: Self.context)
        for sample in samples {
            let result = parser.parse(sample.line, lineNumber: sample.lineNumber)
            let location = "\(sample.file):\(sample.lineNumber)"
            switch sample.expectation {
            case .none:
                #expect(result == .noMatch, "\(location): expected no event, got \(result)")
            case .injection:
                guard case .injectionSuspected = result else {
                    Issue.record("\(location): expected injection, got \(result)")
                    continue
                }
            case .malformed:
                guard case .malformed = result else {
                    Issue.record("\(location): expected malformed, got \(result)")
                    continue
                }
            case .event(let fields):
                guard case .event(let event) = result else {
                    Issue.record("\(location): expected \(fields), got \(result)")
                    continue
                }
                check(event, against: fields, at: location, lineNumber: sample.lineNumber)
            }
        }
    }

    private func check(_ event: SecurityEvent, against fields: [String: String], at location: String, lineNumber: Int) {
        #expect(event.rule == fields["rule"], "\(location): rule")
        #expect(event.address == fields["ip"].flatMap(IPAddress.init), "\(location): ip \(event.address)")
        #expect(event.line == lineNumber)
        #expect(event.origin == .logFile)
        let rule = RuleCatalogue.rule(id: event.rule)
        #expect(rule?.severity == event.severity, "\(location): severity comes from the catalogue")
        if let port = fields["port"] {
            #expect(event.port == UInt16(port), "\(location): port \(String(describing: event.port))")
        }
        if let account = fields["account"] {
            #expect(event.account == account, "\(location): account \(String(describing: event.account))")
        }
        if let service = fields["service"] {
            #expect(event.service.rawValue == service, "\(location): service \(event.service)")
        }
        if let time = fields["time"] {
            #expect(event.time?.iso8601 == time, "\(location): time \(String(describing: event.time?.iso8601))")
        }
    }

    @Test("every catalogue rule has a positive sample")
    func everyRuleHasASample() throws {
        var covered: Set<String> = []
        for file in try FixtureCorpus.files() {
            for sample in try FixtureCorpus.samples(in: file) {
                if case .event(let fields) = sample.expectation, let rule = fields["rule"] { covered.insert(rule) }
            }
        }
        let missing = RuleCatalogue.all.map(\.id).filter { !covered.contains($0) }
        #expect(missing.isEmpty, "rules without a positive fixture sample: \(missing)")
        let unknown = covered.filter { RuleCatalogue.rule(id: $0) == nil }
        #expect(unknown.isEmpty, "fixtures name rules that are not in the catalogue: \(unknown)")
    }

    @Test("rule ids are unique and every rule explains its severity")
    func catalogueIsWellFormed() {
        let ids = RuleCatalogue.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        for rule in RuleCatalogue.all {
            #expect(!rule.matches.isEmpty && !rule.rationale.isEmpty, "\(rule.id)")
        }
        #expect(Set(SecurityEventKind.allCases.map(\.rule.id)).count == SecurityEventKind.allCases.count)
    }
}
