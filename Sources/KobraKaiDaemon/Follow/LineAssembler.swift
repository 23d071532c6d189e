#if canImport(Glibc)
import Glibc
#endif

/// Cuts a byte stream into lines with bounded memory.
///
/// A partial last line is held until its newline arrives. A line longer than `maxLineLength` keeps its first
/// and last `maxLineLength / 2` bytes joined by `…`: an attacker who pads a field to push the address out of
/// the window (the address sits at the end of Asterisk's "failed for" lines) still has it seen.
struct LineAssembler {
    let maxLineLength: Int
    private var pending: [UInt8] = []
    /// The kept start of an overlong line, once the line has gone over the bound.
    private var overlongHead: [UInt8]?
    /// Bytes of the unfinished line consumed from the file, including bytes cut from an overlong one.
    private(set) var pendingByteCount: Int64 = 0
    private(set) var truncatedLineCount = 0

    /// Bytes held in memory for the unfinished line (bounded by `maxLineLength` plus one read).
    var heldByteCount: Int { pending.count + (overlongHead?.count ?? 0) }

    init(maxLineLength: Int) { self.maxLineLength = maxLineLength }

    /// Appends bytes read at `offset` in the file and adds every line they complete to `lines`.
    mutating func append(_ bytes: UnsafeRawBufferPointer, at offset: Int64, into lines: inout [LogLine]) {
        guard let base = bytes.baseAddress else { return }
        var start = 0
        while start < bytes.count {
            let remaining = bytes.count - start
            if let newline = memchr(base + start, 0x0A, remaining) {
                let end = base.distance(to: UnsafeRawPointer(newline))
                let endOffset = offset + Int64(end) + 1
                if pendingByteCount == 0, end - start <= maxLineLength {
                    // The common case, a whole line inside this read: decode it in place, no copy.
                    let last = end > start && bytes[end - 1] == 0x0D ? end - 1 : end
                    let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<last]), as: UTF8.self)
                    lines.append(LogLine(text: text, endOffset: endOffset))
                } else {
                    keep(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                    lines.append(finishLine(endOffset: endOffset))
                }
                start = end + 1
            } else {
                keep(UnsafeRawBufferPointer(rebasing: bytes[start...]))
                start = bytes.count
            }
        }
    }

    /// Hands out the unfinished line as a line of its own; used when its file is abandoned after a rotation.
    mutating func flushPartialLine(endOffset: Int64) -> LogLine? {
        guard pendingByteCount > 0 else { return nil }
        return finishLine(endOffset: endOffset)
    }

    /// Forgets the unfinished line (the file was truncated under it).
    mutating func reset() {
        pending.removeAll(keepingCapacity: true)
        overlongHead = nil
        pendingByteCount = 0
    }

    private mutating func keep(_ bytes: UnsafeRawBufferPointer) {
        pendingByteCount += Int64(bytes.count)
        pending.append(contentsOf: bytes)
        let half = maxLineLength / 2
        if overlongHead == nil, pending.count > maxLineLength {
            overlongHead = Array(pending.prefix(half))
            pending.removeFirst(pending.count - half)
        } else if overlongHead != nil, pending.count > maxLineLength {
            // Trim in big steps so the cost stays linear in the bytes read.
            pending.removeFirst(pending.count - half)
        }
    }

    private mutating func finishLine(endOffset: Int64) -> LogLine {
        var body = pending[...]
        let isTruncated = overlongHead != nil
        if isTruncated { body = body.suffix(maxLineLength / 2) }
        if body.last == 0x0D { body = body.dropLast() }
        var text = ""
        if let head = overlongHead {
            text = String(decoding: head, as: UTF8.self) + "…"
            truncatedLineCount += 1
        }
        text += String(decoding: body, as: UTF8.self)
        reset()
        return LogLine(text: text, endOffset: endOffset, isTruncated: isTruncated)
    }
}
