import KobraKaiCore

// AMI frame decoder: the same bytes decoded in one chunk and split into chunks of pseudo-random sizes must
// give the same frames and errors in the same order. TCP may cut the stream anywhere, so any difference
// means the decoder's answer depends on packet boundaries. Small limits make the overlong-line, oversized
// message and too-many-fields paths reachable with short inputs.
//
// Input layout: byte 0 seeds the chunk sizes; the rest is the stream.

private let limits = AMIFrameDecoder.Limits(maximumLineLength: 64, maximumMessageBytes: 256, maximumFields: 8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    guard let seed = bytes.first else { return 0 }
    let stream = Array(bytes.dropFirst())

    var whole = AMIFrameDecoder(limits: limits)
    whole.append(stream)
    let expected = drain(&whole)

    var split = AMIFrameDecoder(limits: limits)
    var chunked: [Result<AMIFrameDecoder.Frame, AMIFrameDecoder.DecodeError>] = []
    var random = UInt32(seed) &* 2_654_435_761 | 1
    var offset = 0
    while offset < stream.count {
        // xorshift32: chunk sizes 1…(seed-dependent maximum), including many 1-byte chunks.
        random ^= random << 13
        random ^= random >> 17
        random ^= random << 5
        let size = 1 + Int(random % UInt32(1 + Int(seed) % 97))
        let end = min(stream.count, offset + size)
        split.append(stream[offset..<end])
        chunked += drain(&split)
        offset = end
    }
    fuzzCheck(
        chunked == expected,
        "split decoding differs from one-chunk decoding:\n  whole: \(expected)\n  split: \(chunked)")
    return 0
}

private func drain(_ decoder: inout AMIFrameDecoder) -> [Result<AMIFrameDecoder.Frame, AMIFrameDecoder.DecodeError>] {
    var frames: [Result<AMIFrameDecoder.Frame, AMIFrameDecoder.DecodeError>] = []
    while let frame = decoder.next() {
        frames.append(frame)
        // A decoder that keeps producing frames without consuming input would hang the daemon.
        fuzzCheck(frames.count <= 100_000, "decoder produced more than 100000 frames")
    }
    return frames
}
