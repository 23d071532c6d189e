/// The true lanes of a 16-lane byte comparison, taken out lowest or highest first.
///
/// Reading a mask lane by lane costs a shuffle per lane; as two 64-bit words (eight bits per lane, all
/// set or all clear) the next lane is one count of trailing or leading zero bits.
struct LaneSet {
    private var low: UInt64
    private var high: UInt64

    @inline(__always)
    init(_ mask: SIMDMask<SIMD16<Int8>>) {
        // Lane i is byte i: the in-memory order of a SIMD vector is lane order (little-endian words).
        let words = unsafeBitCast(mask, to: SIMD2<UInt64>.self)
        low = UInt64(littleEndian: words[0])
        high = UInt64(littleEndian: words[1])
    }

    @inline(__always)
    mutating func popFirst() -> Int? {
        if low != 0 {
            let lane = low.trailingZeroBitCount / 8
            low &= ~(0xFF << UInt64(lane * 8))
            return lane
        }
        if high != 0 {
            let lane = high.trailingZeroBitCount / 8
            high &= ~(0xFF << UInt64(lane * 8))
            return 8 + lane
        }
        return nil
    }

    @inline(__always)
    mutating func popLast() -> Int? {
        if high != 0 {
            let lane = 7 - high.leadingZeroBitCount / 8
            high &= ~(0xFF << UInt64(lane * 8))
            return 8 + lane
        }
        if low != 0 {
            let lane = 7 - low.leadingZeroBitCount / 8
            low &= ~(0xFF << UInt64(lane * 8))
            return lane
        }
        return nil
    }
}
