import KobraKaiCrowdSec
import Testing

@Suite("Go duration strings")
struct GoDurationTests {
    @Test("what the LAPI sends", arguments: [
        ("3h59m58.123456789s", Duration.seconds(3 * 3600 + 59 * 60 + 58) + .nanoseconds(123_456_789)),
        ("-1.5s", Duration.milliseconds(-1500)),
        ("-16.821238ms", Duration.nanoseconds(-16_821_238)),
        ("4h", Duration.seconds(4 * 3600)),
        ("1m30s", Duration.seconds(90)),
        ("500ms", Duration.milliseconds(500)),
        ("1h2m3.5s", Duration.seconds(3723) + .milliseconds(500)),
        ("0", Duration.zero),
        ("0s", Duration.zero),
        ("1.5h", Duration.seconds(5400)),
        ("250us", Duration.microseconds(250)),
        ("250µs", Duration.microseconds(250)),
        ("7ns", Duration.nanoseconds(7)),
        ("+2m", Duration.seconds(120)),
        (".5s", Duration.milliseconds(500)),
        ("2562047h", Duration.seconds(2_562_047 * 3600)),
    ])
    func parses(text: String, expected: Duration) {
        #expect(GoDuration.parse(text) == expected)
    }

    @Test("garbage is refused", arguments: ["", "-", "h", "4", "4d", "1h-2m", "1..5s", "s4", "4 h", "9999999999h", ".s"])
    func refuses(text: String) {
        #expect(GoDuration.parse(text) == nil)
    }
}
