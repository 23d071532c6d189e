import KobraKaiCore
import Testing

@Suite("Configuration: the history section")
struct HistoryConfigurationTests {
    @Test("defaults: 30 days and a million events; both can be set")
    func defaultsAndValues() throws {
        #expect(Configuration().history.retention == .seconds(30 * 86_400))
        #expect(Configuration().history.maximumEvents == 1_000_000)
        let configuration = try Configuration.load(from: #"{"history": {"retention": "7d", "max_events": 50000}}"#)
        #expect(configuration.history.retention == .seconds(7 * 86_400))
        #expect(configuration.history.maximumEvents == 50_000)
        #expect(configuration.warnings.isEmpty)
    }

    @Test("bad values name the key; unknown keys warn")
    func badValues() throws {
        let tooSmall = #expect(throws: ConfigurationError.self) {
            try Configuration.load(from: #"{"history": {"max_events": 10}}"#)
        }
        #expect(tooSmall?.keyPath == "history.max_events")
        let badDuration = #expect(throws: ConfigurationError.self) {
            try Configuration.load(from: #"{"history": {"retention": "forever"}}"#)
        }
        #expect(badDuration?.keyPath == "history.retention")
        let typo = try Configuration.load(from: #"{"history": {"retension": "7d"}}"#)
        #expect(typo.warnings.map(\.keyPath) == ["history.retension"])
    }
}
