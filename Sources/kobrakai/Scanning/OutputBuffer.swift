#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fixed block of output bytes written to a descriptor when full.
///
/// Writers store bytes through a raw pointer after reserving room: `kobrakai scan --json` writes a few
/// hundred thousand small objects, and per-fragment array appends were a visible share of its time.
struct OutputBuffer: ~Copyable {
    let descriptor: Int32
    private let storage: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var count = 0

    init(descriptor: Int32, capacity: Int = 1 << 20) {
        self.descriptor = descriptor
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
    }

    deinit {
        Self.writeAll(descriptor, storage, count)
        storage.deallocate()
    }

    /// Makes room for at least `bytes` more bytes (flushing if needed) and returns where to write them.
    /// Requests larger than the whole buffer are the caller's to split.
    @inline(__always)
    mutating func reserve(_ bytes: Int) -> UnsafeMutablePointer<UInt8> {
        precondition(bytes <= capacity, "reservation larger than the output block")
        if count + bytes > capacity { flush() }
        return storage + count
    }

    /// Records that `bytes` bytes were written at the pointer `reserve` returned.
    @inline(__always)
    mutating func commit(_ bytes: Int) { count += bytes }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let chunk = min(bytes.count - offset, capacity)
            reserve(chunk).update(from: base + offset, count: chunk)
            commit(chunk)
            offset += chunk
        }
    }

    mutating func append(_ text: String) {
        var copy = text
        copy.withUTF8 { append($0) }
    }

    mutating func flush() {
        Self.writeAll(descriptor, storage, count)
        count = 0
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: UnsafeMutablePointer<UInt8>, _ count: Int) {
        var offset = 0
        while offset < count {
            let written = write(descriptor, bytes + offset, count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
