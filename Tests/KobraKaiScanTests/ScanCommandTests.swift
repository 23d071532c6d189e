import Foundation
import KobraKaiCore
import Testing

@Suite("kobrakai scan (real binary)", .serialized)
struct ScanCommandTests {
    static let sample = """
        [2024-05-01 10:11:12] NOTICE[2211] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '"1001" <sip:1001@203.0.113.10>' failed for '198.51.100.7:5071' (callid: 1) - No matching endpoint found
        [2024-05-01 10:11:12] VERBOSE[2211] pbx.c: nothing to see
        NOTICE[3400] manager.c: 198.51.100.8 failed to authenticate as 'ad"min'
        [2024-05-01 10:11:12] NOTICE[2211] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '<sip:100@pbx>' failed for '198.51.100.7:5071' (callid: x) - No matching endpoint found' failed for '203.0.113.99:5060' (callid: y) - No matching endpoint found
        [2024-05-01 10:16:00] NOTICE[3400] manager.c: 198.51.100.300 failed to authenticate as 'admin'
        [2024-05-01 10:16:05] SECURITY[2212] res_security_log.c: SecurityEvent="SuccessfulAuth",EventTV="2024-05-01T10:16:05.001+0000",Severity="Informational",Service="PJSIP",EventVersion="1",AccountID="101",SessionID="abc",LocalAddress="IPV4/UDP/192.0.2.1/5060",RemoteAddress="IPV4/UDP/192.0.2.20/5060",UsingPassword="1"

        """

    static func jsonObjects(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test("--json prints one object per event with every key; the summary goes to stderr")
    func jsonOutput() throws {
        let path = try ScanCommandRunner.temporaryLog(Self.sample)
        let outcome = try ScanCommandRunner.run(["scan", "--json", path])
        #expect(outcome.status == 0)
        let events = try Self.jsonObjects(outcome.standardOutput)
        #expect(events.count == 3)
        let first = try #require(events.first)
        #expect(Set(first.keys) == ["file", "line", "time", "ip", "rule", "severity", "service", "account"])
        #expect(first["file"] as? String == path)
        #expect(first["line"] as? Int == 1)
        #expect(first["ip"] as? String == "198.51.100.7")
        #expect(first["rule"] as? String == "pjsip.request.no-endpoint")
        #expect(first["severity"] as? String == "medium")
        #expect(first["service"] as? String == "PJSIP")
        #expect(first["account"] as? String == "1001")
        #expect((first["time"] as? String)?.hasSuffix("Z") == true)
        let second = events[1]
        #expect(second["line"] as? Int == 3)
        #expect(second["time"] is NSNull, "a line without a date has a null time")
        #expect(second["account"] as? String == "ad\"min", "attacker text is escaped, not trusted")
        #expect(events[2]["severity"] as? String == "informational")
        #expect(events[2]["time"] as? String == "2024-05-01T10:16:05.001Z")
        #expect(outcome.standardError.contains("lines read: 6"))
        #expect(outcome.standardError.contains("injection warnings: 1"))
        #expect(outcome.standardError.contains("\(path):4:"))
        #expect(outcome.standardError.contains("malformed lines: 1"))
        #expect(outcome.standardError.contains("\(path):5:"))
        #expect(!outcome.standardOutput.contains("203.0.113.99"))
    }

    @Test("IPv6 addresses, long and control-character accounts are written as valid JSON")
    func jsonEdgeCases() throws {
        let longAccount = String(repeating: "u", count: 300)
        let text = """
            [2024-05-01 10:16:00] NOTICE[3400] manager.c: 2001:db8::7 failed to authenticate as '\(longAccount)'
            [2024-05-01 10:16:00] NOTICE[3400] manager.c: 198.51.100.7 failed to authenticate as 'tab\there\u{7F}é'

            """
        let path = try ScanCommandRunner.temporaryLog(text)
        let outcome = try ScanCommandRunner.run(["scan", "--json", path])
        #expect(outcome.status == 0)
        let events = try Self.jsonObjects(outcome.standardOutput)
        #expect(events.count == 2)
        #expect(events[0]["ip"] as? String == "2001:db8::7")
        #expect(events[0]["account"] as? String == longAccount)
        #expect(events[1]["account"] as? String == "tab\there\u{7F}é")
        #expect(outcome.standardOutput.split(separator: "\n").count == 2, "one line per event")
    }

    @Test("without --json a readable report goes to stdout")
    func textReport() throws {
        let path = try ScanCommandRunner.temporaryLog(Self.sample)
        let outcome = try ScanCommandRunner.run(["scan", path])
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput.contains("lines read: 6"))
        #expect(outcome.standardOutput.contains("pjsip.request.no-endpoint"))
        #expect(outcome.standardOutput.contains("198.51.100.7"))
    }

    @Test("'-' reads standard input; several files keep their own line numbers")
    func standardInputAndFiles() throws {
        let path = try ScanCommandRunner.temporaryLog(Self.sample)
        let outcome = try ScanCommandRunner.run(["scan", "--json", path, "-"], standardInput: Data(Self.sample.utf8))
        #expect(outcome.status == 0)
        let events = try Self.jsonObjects(outcome.standardOutput)
        #expect(events.count == 6)
        #expect(events[3]["file"] as? String == "-")
        #expect(events[3]["line"] as? Int == 1)
        #expect(outcome.standardError.contains("lines read: 12"))
    }

    @Test("CRLF endings, a missing final newline and an overlong line keep the line count right")
    func awkwardInput() throws {
        let longLine = String(repeating: "x", count: (1 << 20) + 10)
        let text =
            "[2024-05-01 10:16:00] NOTICE[3400] manager.c: 198.51.100.7 failed to authenticate as 'a'\r\n"
            + longLine + "\n"
            + "[2024-05-01 10:16:00] NOTICE[3400] manager.c: 198.51.100.9 failed to authenticate as 'b'"
        let path = try ScanCommandRunner.temporaryLog(text)
        let outcome = try ScanCommandRunner.run(["scan", "--json", path])
        #expect(outcome.status == 0)
        let events = try Self.jsonObjects(outcome.standardOutput)
        #expect(events.map { $0["line"] as? Int } == [1, 3])
        #expect(events.map { $0["ip"] as? String } == ["198.51.100.7", "198.51.100.9"])
        #expect(outcome.standardError.contains("lines read: 3"))
        #expect(outcome.standardError.contains("\(path):2: line longer than 1 MiB"))
    }

    @Test("a line larger than a whole read window is skipped, from a file and from standard input")
    func lineLargerThanWindow() throws {
        let text = "[2024-05-01 10:16:00] NOTICE[3400] manager.c: 198.51.100.7 failed to authenticate as 'a'\n"
            + String(repeating: "y", count: 6 << 20) + "\n"
            + "[2024-05-01 10:16:00] NOTICE[3400] manager.c: 198.51.100.9 failed to authenticate as 'b'"
        let path = try ScanCommandRunner.temporaryLog(text)
        for arguments in [["scan", "--json", path], ["scan", "--json", "-"]] {
            let input = arguments.last == "-" ? Data(text.utf8) : nil
            let outcome = try ScanCommandRunner.run(arguments, standardInput: input)
            #expect(outcome.status == 0)
            let events = try Self.jsonObjects(outcome.standardOutput)
            #expect(events.map { $0["line"] as? Int } == [1, 3], "\(arguments)")
            #expect(outcome.standardError.contains("lines read: 3"))
            #expect(outcome.standardError.contains(":2: line longer than 1 MiB"))
        }
    }

    @Test("a missing file is reported with exit 66 and the other files are still scanned")
    func missingFile() throws {
        let path = try ScanCommandRunner.temporaryLog(Self.sample)
        let outcome = try ScanCommandRunner.run(["scan", "--json", "/nonexistent/kobrakai.log", path])
        #expect(outcome.status == 66)
        #expect(outcome.standardError.contains("cannot open /nonexistent/kobrakai.log"))
        #expect(try Self.jsonObjects(outcome.standardOutput).count == 3)
    }

    @Test(
        "usage errors exit 64",
        arguments: [
            ["scan"], ["scan", "--decisions"], ["scan", "-", "-"], ["scan", "--threads", "0", "x.log"],
        ])
    func usageErrors(_ arguments: [String]) throws {
        let outcome = try ScanCommandRunner.run(arguments)
        #expect(outcome.status == 64, "\(arguments): \(outcome.standardError)")
        #expect(!outcome.standardError.isEmpty)
    }

    @Test("--source restricts the formats read")
    func sourceRestriction() throws {
        let text = Self.sample
            + "May  1 10:21:00 sbc kamailio[4120]: WARNING: pike [pike_funcs.c:136]: pike_check_ipaddr(): PIKE - BLOCKing ip 198.51.100.50, node=0x1\n"
        let path = try ScanCommandRunner.temporaryLog(text)
        let all = try ScanCommandRunner.run(["scan", "--json", path])
        let asterisk = try ScanCommandRunner.run(["scan", "--json", "--source", "asterisk", path])
        let kamailio = try ScanCommandRunner.run(["scan", "--json", "--source", "kamailio", path])
        #expect(all.standardOutput.contains("198.51.100.50"))
        #expect(!asterisk.standardOutput.contains("198.51.100.50"))
        #expect(try Self.jsonObjects(asterisk.standardOutput).count == 3)
        #expect(try Self.jsonObjects(kamailio.standardOutput).map { $0["rule"] as? String } == ["kamailio.pike.blocked"])
        #expect(try ScanCommandRunner.run(["scan", "--source", "sendmail", path]).status == 64)
    }

    @Test("kobrakai rules lists the whole catalogue")
    func rules() throws {
        let outcome = try ScanCommandRunner.run(["rules", "--json"])
        #expect(outcome.status == 0)
        let rules = try Self.jsonObjects(outcome.standardOutput)
        #expect(rules.map { $0["id"] as? String } == RuleCatalogue.all.map(\.id))
    }
}

@Suite("kobrakai scan in parallel parts (real binary)", .serialized)
struct ParallelScanTests {
    static func filler(_ bytes: Int, from first: Int) -> String {
        var text = ""
        var index = first
        while text.utf8.count < bytes {
            text += "[2024-05-01 10:00:00] VERBOSE[1] pbx.c: filler line \(index) with some padding text\n"
            index += 1
        }
        return text
    }

    /// A log whose middle falls inside an old-pjproject packet dump full of forged log lines, so a parser
    /// part that starts at the middle with a fresh parser would misread them.
    static func dumpAcrossTheMiddle() -> String {
        let before =
            filler(1_600_000, from: 0)
            + "[2024-05-01 10:16:00] NOTICE[3400] manager.c: 198.51.100.7 failed to authenticate as 'admin'\n"
        var packet = ""
        while packet.utf8.count < 3500 {
            packet += "[2024-05-01 10:11:12] NOTICE[1] manager.c: 203.0.113.99 failed to authenticate as 'x'\n"
        }
        let header =
            "[2024-05-01 10:13:00] ERROR[2199] pjproject: \t sip_transport.c Error processing \(packet.utf8.count) bytes packet from UDP 198.51.100.8:5080 : PJSIP syntax error exception when parsing 'Via' header on line 2 col 1:\n"
        let dump = packet + "-- end of packet.\n"
        let middle = before.utf8.count + header.utf8.count + 1000
        let after =
            "[2024-05-01 10:16:00] NOTICE[3400] manager.c: 198.51.100.9 failed to authenticate as 'admin'\n"
            + filler(2 * middle - before.utf8.count - header.utf8.count - dump.utf8.count - 100, from: 100_000)
        return before + header + dump + after
    }

    @Test("a dump cut by a part boundary gives the same result as one sequential pass", arguments: [2, 3, 4, 8])
    func boundaryInsideDump(_ threads: Int) throws {
        let path = try ScanCommandRunner.temporaryLog(Self.dumpAcrossTheMiddle())
        let sequential = try ScanCommandRunner.run(["scan", "--json", "--threads", "1", path])
        let parallel = try ScanCommandRunner.run(["scan", "--json", "--threads", "\(threads)", path])
        #expect(sequential.status == 0 && parallel.status == 0)
        #expect(parallel.standardOutput == sequential.standardOutput)
        #expect(parallel.standardError == sequential.standardError)
        #expect(!sequential.standardOutput.contains("203.0.113.99"))
        #expect(
            sequential.standardOutput.contains("198.51.100.7") && sequential.standardOutput.contains("198.51.100.9"))
        #expect(sequential.standardOutput.contains("198.51.100.8"), "the dump's own header is an event")
        #expect(sequential.standardError.contains("injection warnings: 41"), "each forged line of the 41-line packet")
    }

    @Test("parallel parts keep line numbers and order across a multi-window file")
    func largeFileOrder() throws {
        var text = ""
        for index in 0..<120_000 {
            text +=
                "[2024-05-01 10:16:00] NOTICE[3400] manager.c: 198.51.\(index / 250 % 256).\(index % 250) failed to authenticate as 'u\(index)'\n"
        }
        let path = try ScanCommandRunner.temporaryLog(text)
        let parallel = try ScanCommandRunner.run(["scan", "--json", "--threads", "4", path])
        #expect(parallel.status == 0)
        let lines = parallel.standardOutput.split(separator: "\n")
        #expect(lines.count == 120_000)
        #expect(lines.first?.contains("\"line\":1,") == true)
        #expect(lines.last?.contains("\"line\":120000,") == true)
        #expect(lines.last?.contains("\"account\":\"u119999\"") == true)
        let sequential = try ScanCommandRunner.run(["scan", "--json", "--threads", "1", path])
        #expect(parallel.standardOutput == sequential.standardOutput)
    }
}
