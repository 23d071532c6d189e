import KobraKaiFirewall
import Testing

@Suite struct DurationTextTests {
    @Test(arguments: [
        ("90s", Duration.seconds(90)), ("15m", .seconds(900)), ("1h", .seconds(3600)), ("7d", .seconds(604_800)),
        ("1h30m", .seconds(5400)), ("2w", .seconds(1_209_600)), ("45", .seconds(45)), ("1d2h3m4s", .seconds(93784)),
        ("250ms", .milliseconds(250)), ("1m30s500ms", .milliseconds(90_500)),
    ])
    func parses(text: String, expected: Duration) {
        #expect(DurationText.parse(text) == expected)
    }

    @Test(arguments: ["", "h", "1x", "1h30", "-5m", "1.5h", "99999999999999999999s", "1 h", "m5"])
    func rejects(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test(arguments: ["1h30m", "7d", "45s", "250ms", "1d2h3m4s"])
    func formatRoundTrips(text: String) throws {
        let duration = try #require(DurationText.parse(text))
        #expect(DurationText.format(duration) == text)
    }
}
