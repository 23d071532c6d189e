import KobraKaiCore
import Testing

@Suite("AMI frame decoder")
struct AMIFrameDecoderTests {
    static let transcript = Array(
        ("Asterisk Call Manager/9.0.0\r\n"
            + "Response: Success\r\nActionID: kobrakai-1\r\nMessage: Authentication accepted\r\n\r\n"
            + "Event: InvalidAccountID\nPrivilege: security,all\nRemoteAddress: IPV4/UDP/198.51.100.7/5071\n\n"
            + "\r\n"
            + "Event: FullyBooted\r\nStatus:Fully Booted\r\n\r\n").utf8)

    static func decodeAll(_ decoder: inout AMIFrameDecoder) -> [Result<
        AMIFrameDecoder.Frame, AMIFrameDecoder.DecodeError
    >] {
        var frames: [Result<AMIFrameDecoder.Frame, AMIFrameDecoder.DecodeError>] = []
        while let frame = decoder.next() { frames.append(frame) }
        return frames
    }

    static var expectedFrames: [Result<AMIFrameDecoder.Frame, AMIFrameDecoder.DecodeError>] {
        [
            .success(.banner("9.0.0")),
            .success(
                .message(
                    AMIMessage(fields: [
                        .init(key: "Response", value: "Success"), .init(key: "ActionID", value: "kobrakai-1"),
                        .init(key: "Message", value: "Authentication accepted"),
                    ]))),
            .success(
                .message(
                    AMIMessage(fields: [
                        .init(key: "Event", value: "InvalidAccountID"), .init(key: "Privilege", value: "security,all"),
                        .init(key: "RemoteAddress", value: "IPV4/UDP/198.51.100.7/5071"),
                    ]))),
            .success(
                .message(
                    AMIMessage(fields: [
                        .init(key: "Event", value: "FullyBooted"), .init(key: "Status", value: "Fully Booted"),
                    ]))),
        ]
    }

    @Test("whole transcript in one chunk: banner, CRLF and bare-LF messages, stray blank line")
    func wholeTranscript() {
        var decoder = AMIFrameDecoder()
        decoder.append(Self.transcript)
        #expect(Self.decodeAll(&decoder) == Self.expectedFrames)
    }

    @Test("split at every byte boundary gives the same frames")
    func everySplit() {
        for split in 0...Self.transcript.count {
            var decoder = AMIFrameDecoder()
            var frames = Self.decodeAllAfter(&decoder, Self.transcript[..<split])
            frames += Self.decodeAllAfter(&decoder, Self.transcript[split...])
            #expect(frames == Self.expectedFrames, "split at \(split)")
        }
    }

    @Test("one byte at a time gives the same frames")
    func byteByByte() {
        var decoder = AMIFrameDecoder()
        var frames: [Result<AMIFrameDecoder.Frame, AMIFrameDecoder.DecodeError>] = []
        for byte in Self.transcript { frames += Self.decodeAllAfter(&decoder, [byte]) }
        #expect(frames == Self.expectedFrames)
    }

    static func decodeAllAfter(
        _ decoder: inout AMIFrameDecoder, _ bytes: some Sequence<UInt8>
    ) -> [Result<AMIFrameDecoder.Frame, AMIFrameDecoder.DecodeError>] {
        decoder.append(bytes)
        return decodeAll(&decoder)
    }

    @Test("an overlong line is reported once and decoding resumes after that message")
    func overlongLineResyncs() {
        var decoder = AMIFrameDecoder(limits: .init(maximumLineLength: 64))
        decoder.append(Array("Asterisk Call Manager/9.0.0\r\nEvent: A\r\nJunk: ".utf8))
        decoder.append([UInt8](repeating: UInt8(ascii: "x"), count: 200))
        decoder.append([UInt8](repeating: UInt8(ascii: "y"), count: 200))
        decoder.append(Array("\r\nMore: stuff\r\n\r\nEvent: B\r\n\r\n".utf8))
        let frames = Self.decodeAll(&decoder)
        #expect(
            frames == [
                .success(.banner("9.0.0")),
                .failure(.lineTooLong(limit: 64)),
                .success(.message(AMIMessage(fields: [.init(key: "Event", value: "B")]))),
            ])
    }

    @Test("an overlong line that arrives whole is also refused")
    func overlongCompleteLine() {
        var decoder = AMIFrameDecoder(limits: .init(maximumLineLength: 16))
        decoder.append(Array("Event: ThisValueIsTooLong\r\n\r\nEvent: B\r\n\r\n".utf8))
        #expect(
            Self.decodeAll(&decoder) == [
                .failure(.lineTooLong(limit: 16)),
                .success(.message(AMIMessage(fields: [.init(key: "Event", value: "B")]))),
            ])
    }

    @Test("message size and field-count caps")
    func caps() {
        var decoder = AMIFrameDecoder(limits: .init(maximumLineLength: 100, maximumMessageBytes: 40, maximumFields: 3))
        decoder.append(
            Array(
                "A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\nE: 1234567890123456789012345678901234567890\r\n\r\nF: ok\r\n\r\n"
                    .utf8))
        #expect(
            Self.decodeAll(&decoder) == [
                .failure(.tooManyFields(limit: 3)),
                .failure(.messageTooLarge(limit: 40)),
                .success(.message(AMIMessage(fields: [.init(key: "F", value: "ok")]))),
            ])
    }

    @Test("a line without a colon is malformed; the next message decodes")
    func lineWithoutColon() {
        var decoder = AMIFrameDecoder()
        decoder.append(
            Array(
                "Asterisk Call Manager/1.0\r\nResponse: Follows\r\nsome command output\r\n--END COMMAND--\r\n\r\nEvent: B\r\n\r\n"
                    .utf8))
        #expect(
            Self.decodeAll(&decoder) == [
                .success(.banner("1.0")),
                .failure(.lineWithoutColon),
                .success(.message(AMIMessage(fields: [.init(key: "Event", value: "B")]))),
            ])
    }

    @Test("keys are looked up case-insensitively and duplicates are reported")
    func lookup() {
        let message = AMIMessage(fields: [
            .init(key: "Event", value: "X"), .init(key: "remoteaddress", value: "a"),
            .init(key: "RemoteAddress", value: "b"),
        ])
        #expect(message.value("REMOTEADDRESS") == "a")
        #expect(message.duplicatedKeys == ["remoteaddress"])
    }
}
