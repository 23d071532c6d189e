import KobraKaiCore
import Testing

/// Inputs found by the libFuzzer targets in `Fuzz/` (see Fuzz/README.md), kept as regression tests.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    typealias Frames = [Result<AMIFrameDecoder.Frame, AMIFrameDecoder.DecodeError>]

    static let smallLimits = AMIFrameDecoder.Limits(maximumLineLength: 64, maximumMessageBytes: 256, maximumFields: 8)

    /// `Fuzz/Targets/AMIDecoderFuzz.swift`, minimised: a line of exactly the line limit whose CR arrived
    /// in one read and its LF in the next was refused as too long, though the same bytes in one read were
    /// accepted. Whether a security event was dropped depended on where TCP cut the stream.
    static let lineAtLimitThenCRLF = Array(
        "\n\nEvent: InvalidAAddress: IPV5/UDP/203.0.113/UDP/203.0.113.10/5060\r\n".utf8)

    static func decode(_ chunks: [ArraySlice<UInt8>], limits: AMIFrameDecoder.Limits) -> Frames {
        var decoder = AMIFrameDecoder(limits: limits)
        var frames: Frames = []
        for chunk in chunks {
            decoder.append(chunk)
            while let frame = decoder.next() { frames.append(frame) }
        }
        return frames
    }

    @Test("the fuzzer's input decodes the same whichever two reads it arrives in")
    func lineAtLimitEverySplit() {
        let bytes = Self.lineAtLimitThenCRLF
        let whole = Self.decode([bytes[...]], limits: Self.smallLimits)
        for cut in 0...bytes.count {
            let split = Self.decode([bytes[..<cut], bytes[cut...]], limits: Self.smallLimits)
            #expect(split == whole, "cut after \(cut) bytes")
        }
    }

    @Test("a line of exactly the limit is accepted when its CRLF is split across reads")
    func lineAtLimitIsAccepted() {
        let key = "Event: "
        let line = key + String(repeating: "x", count: Self.smallLimits.maximumLineLength - key.utf8.count)
        let bytes = Array(("Asterisk Call Manager/9.0.0\r\n" + line + "\r\n\r\n").utf8)
        let crIndex = bytes.count - 4  // the CR of the line's CRLF
        let frames = Self.decode([bytes[...crIndex], bytes[(crIndex + 1)...]], limits: Self.smallLimits)
        let message = AMIMessage(fields: [.init(key: "Event", value: String(line.dropFirst(key.count)))])
        #expect(frames == [.success(.banner("9.0.0")), .success(.message(message))])
    }

    @Test("a line one byte over the limit is still refused, however it is split")
    func lineOverLimitIsRefused() {
        let line = "Event: " + String(repeating: "x", count: Self.smallLimits.maximumLineLength - 6)
        let bytes = Array(("Asterisk Call Manager/9.0.0\r\n" + line + "\r\n\r\n").utf8)
        for cut in 0...bytes.count {
            let frames = Self.decode([bytes[..<cut], bytes[cut...]], limits: Self.smallLimits)
            #expect(
                frames == [.success(.banner("9.0.0")), .failure(.lineTooLong(limit: 64))], "cut after \(cut) bytes")
        }
    }
}
