import KobraKaiAddress
import KobraKaiCore
import Testing

@Suite("Log line parser")
struct LogLineParserTests {
    /// A tiny deterministic generator so fuzz failures reproduce.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let context = TimeContext(year: 2024)

    static func corpusLines() throws -> [String] {
        try FixtureCorpus.files().flatMap { try FixtureCorpus.samples(in: $0).map(\.line) }
    }

    @Test("every prefix of every corpus line parses without trapping")
    func prefixes() throws {
        var parser = LogLineParser(context: Self.context)
        for line in try Self.corpusLines() {
            let bytes = Array(line.utf8)
            for length in 0...bytes.count {
                _ = bytes[..<length].withUnsafeBufferPointer { parser.parse($0) }
            }
        }
    }

    @Test("random mutations of corpus lines never trap and never invent an address")
    func mutations() throws {
        var random = SplitMix64(state: 0x5EED)
        let lines = try Self.corpusLines()
        let alphabet = Array("'\"[]():,/ .\\{}0123456789abcdefIPV4UDP=\u{1B}\n\r".utf8) + [0x00, 0xFF, 0xC3]
        for _ in 0..<20_000 {
            var bytes = Array(lines[Int.random(in: 0..<lines.count, using: &random)].utf8)
            for _ in 0..<Int.random(in: 1...4, using: &random) where !bytes.isEmpty {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[index] = alphabet.randomElement(using: &random)!
                case 1: bytes.remove(at: index)
                default: bytes.insert(alphabet.randomElement(using: &random)!, at: index)
                }
            }
            var parser = LogLineParser(context: Self.context)
            let result = bytes.withUnsafeBufferPointer { parser.parse($0) }
            if case .event(let event) = result {
                // Whatever was mutated, the address must appear verbatim in the line.
                let text = String(decoding: bytes, as: UTF8.self)
                let printed = event.address.description
                #expect(
                    text.contains(printed) || text.contains("::ffff:") || event.address.isIPv4 == false,
                    "event address \(printed) not in line \(text)")
            }
        }
    }

    @Test("random byte lines never produce events")
    func randomBytes() {
        var random = SplitMix64(state: 42)
        var parser = LogLineParser(context: Self.context)
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0..<300, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
            let result = bytes.withUnsafeBufferPointer { parser.parse($0) }
            if case .event = result { Issue.record("random bytes produced \(result)") }
        }
    }

    @Test("a parser restricted to Asterisk ignores lines shaped like other programs' formats")
    func restrictedSources() {
        let pike = "May  1 10:21:00 sbc kamailio[4120]: WARNING: pike [pike_funcs.c:136]: pike_check_ipaddr(): PIKE - BLOCKing ip 198.51.100.7, node=0x7f3a1c2b4e10"
        let sofia = "2024-05-01 10:22:01.654321 [WARNING] sofia_reg.c:3001 Can't find user [201@203.0.113.10] from 198.51.100.7"
        let manager = "[2024-05-01 10:16:00] NOTICE[3400] manager.c: 198.51.100.7 failed to authenticate as 'admin'"
        var asteriskOnly = LogLineParser(context: Self.context, sources: .asterisk)
        #expect(asteriskOnly.parse(pike) == .noMatch)
        #expect(asteriskOnly.parse(sofia) == .noMatch)
        guard case .event = asteriskOnly.parse(manager) else {
            Issue.record("Asterisk lines still count")
            return
        }
        var everything = LogLineParser(context: Self.context)
        guard case .event = everything.parse(pike), case .event = everything.parse(sofia) else {
            Issue.record("the default accepts every format")
            return
        }
        var kamailioOnly = LogLineParser(context: Self.context, sources: .kamailio)
        #expect(kamailioOnly.parse(manager) == .noMatch)
    }

    @Test("CRLF line endings are accepted")
    func carriageReturn() {
        var parser = LogLineParser(context: Self.context)
        let result = parser.parse(
            "[2024-05-01 10:16:00] NOTICE[3400] manager.c: 198.51.100.7 failed to authenticate as 'admin'\r",
            lineNumber: 3)
        guard case .event(let event) = result else {
            Issue.record("\(result)")
            return
        }
        #expect(event.account == "admin")
        #expect(event.line == 3)
    }

    @Test(
        "strict address validation",
        arguments: [
            "198.51.100.256", "1.2.3.4.5", "01.2.3.4", "1.2.3", "198.51.100.7x", "2001:db8::g", "fe80::1%eth0",
            "::ffff:1.2.3.999",
        ])
    func strictAddresses(_ address: String) {
        var parser = LogLineParser(context: Self.context)
        let result = parser.parse(
            "[2024-05-01 10:16:00] NOTICE[3400] manager.c: \(address) failed to authenticate as 'admin'")
        guard case .malformed = result else {
            Issue.record("\(address) gave \(result)")
            return
        }
    }

    @Test("IPv4-mapped IPv6 becomes IPv4")
    func mappedAddress() {
        var parser = LogLineParser(context: Self.context)
        let result = parser.parse(
            "[2024-05-01 10:16:00] NOTICE[3400] manager.c: ::ffff:198.51.100.7 failed to authenticate as 'admin'")
        guard case .event(let event) = result else {
            Issue.record("\(result)")
            return
        }
        #expect(event.address == IPAddress("198.51.100.7"))
        #expect(event.address.isIPv4)
    }

    @Test("a year-less December date read in January belongs to the previous year")
    func yearRollover() {
        let january = TimeContext(
            year: 2025, utcOffsetSeconds: 3600, latest: Timestamp(secondsSinceEpoch: 1_735_772_400))
        var parser = LogLineParser(context: january)
        let result = parser.parse("[Dec 31 23:59:59] NOTICE[1] manager.c: 198.51.100.7 failed to authenticate as 'a'")
        guard case .event(let event) = result else {
            Issue.record("\(result)")
            return
        }
        #expect(event.time?.iso8601 == "2024-12-31T22:59:59.000Z")
    }

    @Test("ISO 8601 formatting of timestamps")
    func isoFormatting() {
        #expect(Timestamp(millisecondsSinceEpoch: 0).iso8601 == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp(millisecondsSinceEpoch: -1).iso8601 == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp(millisecondsSinceEpoch: 951_782_400_123).iso8601 == "2000-02-29T00:00:00.123Z")
        #expect(
            Timestamp(millisecondsSinceEpoch: 1_714_558_272_500).utcComponents
                == Timestamp.UTCComponents(
                    year: 2024, month: 5, day: 1, hour: 10, minute: 11, second: 12, millisecond: 500))
    }

    @Test("an old-pjproject dump swallows the announced packet size, then lines count again")
    func packetDumpWindow() {
        var parser = LogLineParser(context: Self.context)
        let header =
            "[2024-05-01 10:13:00] ERROR[1] pjproject: \t sip_transport.c Error processing 30 bytes packet from UDP 198.51.100.7:5080 : PJSIP syntax error exception when parsing 'Via' header on line 2 col 1:"
        guard case .event = parser.parse(header) else {
            Issue.record("header not detected")
            return
        }
        let forged = "[2024-05-01 10:11:12] NOTICE[1] manager.c: 203.0.113.99 failed to authenticate as 'x'"
        guard case .injectionSuspected = parser.parse(forged) else {
            Issue.record("a log line inside the packet must be an injection")
            return
        }
        #expect(parser.parse("-- end of packet.") == .noMatch)
        guard
            case .event(let event) = parser.parse(
                "[2024-05-01 10:11:12] NOTICE[1] manager.c: 198.51.100.7 failed to authenticate as 'x'")
        else {
            Issue.record("lines after the dump count again")
            return
        }
        #expect(event.address == IPAddress("198.51.100.7"))
    }
}

@Suite("Security event names")
struct SecurityEventNameTests {
    @Test("every event type is recognised by its exact name in a log line", arguments: SecurityEventKind.allCases)
    func names(_ kind: SecurityEventKind) {
        var parser = LogLineParser(context: TimeContext(year: 2024))
        let line =
            "[2024-05-01 10:16:05] SECURITY[2212] res_security_log.c: SecurityEvent=\"\(kind.rawValue)\",EventTV=\"2024-05-01T10:16:05.001+0000\",Severity=\"Error\",Service=\"SIP\",EventVersion=\"1\",AccountID=\"1\",SessionID=\"2\",LocalAddress=\"IPV4/UDP/192.0.2.1/5060\",RemoteAddress=\"IPV4/UDP/198.51.100.7/5060\""
        guard case .event(let event) = parser.parse(line) else {
            Issue.record("\(kind) not recognised")
            return
        }
        #expect(event.rule == kind.rule.id)
    }
}
