#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a file descriptor in large windows of whole lines, without ever holding the whole file.
///
/// Each window handed to the callback contains only complete lines (each ending in `\n`, except a final
/// line at end of input). A line longer than `maximumLineLength` is never buffered whole: it is reported
/// as one `.overlongLine` and its bytes are skipped up to the next newline.
struct WindowReader {
    enum Window {
        case lines(UnsafeBufferPointer<UInt8>)
        case overlongLine
    }

    struct ReadError: Error {
        let errno: Int32
    }

    let windowSize: Int
    let maximumLineLength: Int

    init(windowSize: Int = 4 << 20, maximumLineLength: Int = 1 << 20) {
        self.windowSize = windowSize
        self.maximumLineLength = maximumLineLength
    }

    func forEachWindow(descriptor: Int32, _ body: (Window) -> Void) throws(ReadError) {
        let capacity = windowSize + maximumLineLength
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var filled = 0
        var skipping = false
        var endOfInput = false
        while !endOfInput {
            // Fill the buffer as far as the input allows.
            while filled < capacity {
                let count = read(descriptor, buffer + filled, capacity - filled)
                if count < 0 {
                    if errno == EINTR { continue }
                    throw ReadError(errno: errno)
                }
                if count == 0 {
                    endOfInput = true
                    break
                }
                filled += count
            }
            var start = 0
            if skipping {
                // Drop the rest of an overlong line.
                guard let newline = memchr(buffer, 0x0A, filled) else {
                    filled = 0
                    continue
                }
                start = buffer.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
                skipping = false
            }
            var lastNewline: Int?
            var index = filled - 1
            while index >= start {
                if buffer[index] == 0x0A {
                    lastNewline = index
                    break
                }
                index -= 1
            }
            let completeEnd = lastNewline.map { $0 + 1 } ?? start
            if completeEnd > start {
                body(.lines(UnsafeBufferPointer(start: buffer + start, count: completeEnd - start)))
            }
            let carry = filled - completeEnd
            if endOfInput {
                if carry > 0 {
                    body(
                        carry > maximumLineLength
                            ? .overlongLine : .lines(UnsafeBufferPointer(start: buffer + completeEnd, count: carry)))
                }
            } else if carry > maximumLineLength {
                body(.overlongLine)
                skipping = true
                filled = 0
            } else {
                if carry > 0 && completeEnd > 0 { memmove(buffer, buffer + completeEnd, carry) }
                filled = carry
            }
        }
    }
}
