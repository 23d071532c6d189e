#if canImport(Glibc)
import Glibc
#endif

/// The last bytes read before the read offset, re-checked in place to detect copytruncate even when the
/// file has already grown past the old offset again (a size check alone misses that: a busy log refills
/// within milliseconds, and the follower would resume in the middle of unrelated new content).
struct TailFingerprint {
    static let length = 64
    private var bytes: [UInt8] = []

    /// Loads the bytes just before `offset` (used when opening at a saved or end offset).
    mutating func load(from descriptor: Int32, endingAt offset: Int64) {
        bytes = Self.bytes(of: descriptor, endingAt: offset) ?? []
    }

    /// The (up to) `length` bytes just before `offset`, or nil when they cannot all be read.
    private static func bytes(of descriptor: Int32, endingAt offset: Int64) -> [UInt8]? {
        let count = Int(min(Int64(length), offset))
        var bytes = [UInt8](repeating: 0, count: count)
        let read = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(offset) - off_t(count)) }
        return read == count ? bytes : nil
    }

    /// Records bytes just read; keeps the last `length` of everything read so far.
    mutating func update(with chunk: UnsafeRawBufferPointer) {
        if chunk.count >= Self.length {
            bytes = Array(chunk[(chunk.count - Self.length)...])
        } else {
            bytes.append(contentsOf: chunk)
            if bytes.count > Self.length { bytes.removeFirst(bytes.count - Self.length) }
        }
    }

    mutating func reset() { bytes = [] }

    /// FNV-1a over the (up to) `length` bytes just before `offset`, or nil when they cannot be read. Saved
    /// with a position, so that a restart can tell the same content from a file refilled since.
    static func hash(of descriptor: Int32, endingAt offset: Int64) -> UInt64? {
        guard let bytes = bytes(of: descriptor, endingAt: offset) else { return nil }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// Whether the file still holds the same bytes just before `offset`. A short read (the file shrank)
    /// counts as a change.
    func matches(_ descriptor: Int32, endingAt offset: Int64) -> Bool {
        guard !bytes.isEmpty else { return true }
        var current = [UInt8](repeating: 0, count: bytes.count)
        let start = off_t(offset) - off_t(bytes.count)
        let read = current.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, start) }
        return read == bytes.count && current == bytes
    }
}
