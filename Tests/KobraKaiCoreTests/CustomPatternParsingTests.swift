import KobraKaiAddress
import KobraKaiCore
import Testing

/// Operator `<HOST>` patterns inside the line parser: tried only on lines no built-in rule matched.
@Suite("Operator patterns in the line parser")
struct CustomPatternParsingTests {
    static func parser(_ patterns: [(String, String, Severity)], sources: LogSources = .all) throws -> LogLineParser {
        let compiled = try patterns.map { try CustomPattern(name: $0.0, pattern: $0.1, severity: $0.2) }
        return LogLineParser(
            context: TimeContext(year: 2024), sources: sources, customRules: CustomRuleMatcher(patterns: compiled))
    }

    static let block = ("sbc-block", "Blocking traffic from <HOST>", Severity.high)

    @Test func aLineNoBuiltInRuleMatchesBecomesACustomEventWithTheEnvelopeTime() throws {
        var parser = try Self.parser([Self.block])
        let result = parser.parse(
            "[2024-05-01 10:02:00] WARNING[812] sbc_guard.c: Blocking traffic from 198.51.100.23", lineNumber: 4)
        guard case .event(let event) = result else {
            Issue.record("expected an event, got \(result)")
            return
        }
        #expect(event.address == IPAddress("198.51.100.23"))
        #expect(event.rule == "custom:sbc-block" && event.service == .custom && event.severity == .high)
        #expect(event.time == Timestamp(secondsSinceEpoch: 1_714_557_720))
        #expect(event.line == 4)
    }

    @Test func builtInRulesComeFirst() throws {
        // A pattern that would also read this line: the catalogue's reading wins, the pattern never runs.
        var parser = try Self.parser([("any-failed", "failed for '<HOST>:", .high)])
        let line =
            "[2024-05-01 10:11:12] NOTICE[2211] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '<sip:1@pbx>' "
            + "failed for '198.51.100.7:5071' (callid: 1) - No matching endpoint found"
        guard case .event(let event) = parser.parse(line) else {
            Issue.record("expected the built-in event")
            return
        }
        #expect(event.rule == "pjsip.request.no-endpoint" && event.severity == .medium)
        // A line the catalogue judged an injection is not handed to the patterns either.
        let forged =
            "[2024-05-01 10:11:12] NOTICE[2211] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '<sip:100@pbx>' "
            + "failed for '198.51.100.7:5071' (callid: x) - No matching endpoint found' failed for '203.0.113.99:5060' "
            + "(callid: y) - No matching endpoint found"
        guard case .injectionSuspected = parser.parse(forged) else {
            Issue.record("expected a suspected injection")
            return
        }
    }

    @Test func anAmbiguousPatternReadingIsASuspectedInjectionAndStopsTheSearch() throws {
        var parser = try Self.parser([Self.block, ("later", "traffic from <HOST> Blocking", .medium)])
        let result = parser.parse("Blocking traffic from 198.51.100.80 Blocking traffic from 198.51.100.81")
        guard case .injectionSuspected(let reason) = result else {
            Issue.record("expected a suspected injection, got \(result)")
            return
        }
        #expect(reason.contains("custom:sbc-block"))
    }

    @Test func packetDumpLinesNeverReachThePatterns() throws {
        var parser = try Self.parser([Self.block])
        #expect(parser.parse("<--- SIP read from UDP:198.51.100.7:5060 --->") == .noMatch)
        #expect(parser.parse("X-Note: Blocking traffic from 203.0.113.99") == .noMatch)
        #expect(parser.parse("<------------->") == .noMatch)
        guard case .event = parser.parse("Blocking traffic from 203.0.113.99") else {
            Issue.record("after the dump, lines count again")
            return
        }
    }

    @Test func patternsApplyWhenNoBuiltInFormatIsRead() throws {
        // format "custom": no built-in source, only the operator's patterns.
        var parser = try Self.parser([Self.block], sources: LogSources(LogSourceConfiguration.Format.custom))
        let pike =
            "May  1 10:21:00 sbc kamailio[4120]: WARNING: pike [pike_funcs.c:136]: pike_check_ipaddr(): "
            + "PIKE - BLOCKing ip 198.51.100.50, node=0x1"
        #expect(parser.parse(pike) == .noMatch)
        guard case .event(let event) = parser.parse("May  1 10:21:01 sbc kamailio[4120]: ERROR: <script>: Blocking traffic from 198.51.100.51") else {
            Issue.record("expected the pattern's event")
            return
        }
        #expect(event.address == IPAddress("198.51.100.51"))
        #expect(event.time != nil, "the syslog date is the event's time")
    }

    @Test func withoutPatternsNothingChanges() throws {
        var parser = LogLineParser(context: TimeContext(year: 2024))
        #expect(parser.parse("Blocking traffic from 198.51.100.23") == .noMatch)
    }
}
