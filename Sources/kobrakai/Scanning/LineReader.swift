#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file descriptor in large chunks and hands out one line at a time, without loading the file.
///
/// Lines are yielded as borrowed byte buffers (no newline) valid only during the callback. A line longer
/// than `maximumLineLength` is not buffered without bound: it is reported once as overlong and skipped.
struct LineReader {
    enum Line {
        case text(UnsafeBufferPointer<UInt8>)
        case overlong
    }

    struct ReadError: Error {
        let errno: Int32
    }

    static let chunkSize = 1 << 20

    static func forEachLine(
        descriptor: Int32, maximumLineLength: Int = 1 << 20, _ body: (Line) -> Void
    ) throws(ReadError) {
        let capacity = chunkSize + maximumLineLength
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var filled = 0
        var skippingOverlong = false
        while true {
            let count = read(descriptor, buffer + filled, capacity - filled)
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(errno: errno)
            }
            if count == 0 { break }
            let end = filled + count
            var lineStart = 0
            var scan = filled
            while scan < end, let hit = memchr(buffer + scan, 0x0A, end - scan) {
                let newline = buffer.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if skippingOverlong {
                    skippingOverlong = false
                } else if newline - lineStart > maximumLineLength {
                    body(.overlong)
                } else {
                    body(.text(UnsafeBufferPointer(start: buffer + lineStart, count: newline - lineStart)))
                }
                lineStart = newline + 1
                scan = lineStart
            }
            let leftover = end - lineStart
            if leftover >= maximumLineLength {
                if !skippingOverlong { body(.overlong) }
                skippingOverlong = true
                filled = 0
            } else {
                if lineStart > 0 && leftover > 0 { memmove(buffer, buffer + lineStart, leftover) }
                filled = leftover
            }
        }
        if filled > 0 && !skippingOverlong {
            body(filled > maximumLineLength ? .overlong : .text(UnsafeBufferPointer(start: buffer, count: filled)))
        }
    }
}
