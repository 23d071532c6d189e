#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Dispatch
import KobraKaiCore

/// Parses a window of whole lines on several cores and returns the outcomes in file order, exactly as
/// one sequential pass would.
///
/// The window is cut at line boundaries into parts. The first part continues the caller's parser; the
/// others start with fresh parsers. A fresh parser is only wrong when the part before it ended inside a
/// packet dump (`LogLineParser.hasPendingState`); that part is then parsed again, sequentially, with the
/// correct parser. Outcomes carry line numbers relative to the window.
struct ChunkParser {
    struct Outcome {
        /// 1-based line number within the window.
        var line: Int
        /// nil for a line over the length limit.
        var result: LineParseResult?
    }

    struct Part {
        var lineCount = 0
        var outcomes: [Outcome] = []
        var parser: LogLineParser
    }

    let parts: Int
    let maximumLineLength: Int
    /// Below this size a window is parsed in one part: threads would cost more than they save.
    static let minimumParallelBytes = 1 << 20

    init(parts: Int, maximumLineLength: Int) {
        self.parts = max(1, parts)
        self.maximumLineLength = maximumLineLength
    }

    static var onlineProcessors: Int { max(1, min(8, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))) }

    /// Parses `window`; `parser` is advanced to the state after its last line.
    ///
    /// `recycled` holds outcome arrays of an earlier window, emptied and reused here: a window's outcomes
    /// take a few hundred kilobytes, and fresh arrays for every window cost page faults and copies while
    /// they grow (about 7% of a scan's CPU time). Hand the returned parts' arrays back after use.
    func parse(
        _ window: UnsafeBufferPointer<UInt8>, parser: inout LogLineParser, recycled: inout [[Outcome]]
    ) -> [Part] {
        let ranges = split(window)
        func storage() -> [Outcome] {
            var outcomes = recycled.popLast() ?? []
            outcomes.removeAll(keepingCapacity: true)
            return outcomes
        }
        if ranges.count == 1 {
            let part = Self.parsePart(
                window, range: ranges[0], parser: parser, outcomes: storage(), maximumLineLength: maximumLineLength)
            parser = part.parser
            return [part]
        }
        let slots = UnsafeMutableBufferPointer<Part?>.allocate(capacity: ranges.count)
        slots.initialize(repeating: nil)
        defer {
            slots.deinitialize()
            slots.deallocate()
        }
        let storages = UnsafeMutableBufferPointer<[Outcome]>.allocate(capacity: ranges.count)
        _ = storages.initialize(from: ranges.map { _ in storage() })
        defer {
            storages.deinitialize()
            storages.deallocate()
        }
        let shared = SharedInput(window: window, slots: slots, storages: storages, first: parser, fresh: parser.fresh)
        let limit = maximumLineLength
        DispatchQueue.concurrentPerform(iterations: ranges.count) { index in
            let start = index == 0 ? shared.first : shared.fresh
            shared.slots[index] = Self.parsePart(
                shared.window, range: ranges[index], parser: start, outcomes: shared.storages.moveElement(from: index),
                maximumLineLength: limit)
            shared.storages.initializeElement(at: index, to: [])
        }
        var results = slots.map { $0! }
        for index in 1..<results.count where results[index - 1].parser.hasPendingState {
            var outcomes = results[index].outcomes
            results[index].outcomes = []
            outcomes.removeAll(keepingCapacity: true)
            results[index] = Self.parsePart(
                window, range: ranges[index], parser: results[index - 1].parser, outcomes: outcomes,
                maximumLineLength: limit)
        }
        parser = results[results.count - 1].parser
        return results
    }

    /// Cuts the window into up to `parts` ranges that each end just after a newline.
    private func split(_ window: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        guard parts > 1, window.count >= Self.minimumParallelBytes, let base = window.baseAddress else {
            return [0..<window.count]
        }
        var ranges: [Range<Int>] = []
        var start = 0
        for index in 1..<parts {
            let target = max(start, window.count * index / parts)
            guard target < window.count, let newline = memchr(base + target, 0x0A, window.count - target) else { break }
            let end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
            if end > start && end < window.count {
                ranges.append(start..<end)
                start = end
            }
        }
        ranges.append(start..<window.count)
        return ranges
    }

    private static func parsePart(
        _ window: UnsafeBufferPointer<UInt8>, range: Range<Int>, parser: LogLineParser, outcomes: [Outcome],
        maximumLineLength: Int
    ) -> Part {
        var part = Part(outcomes: outcomes, parser: parser)
        guard let base = window.baseAddress else { return part }
        var lineStart = range.lowerBound
        while lineStart < range.upperBound {
            let remaining = range.upperBound - lineStart
            let lineEnd =
                memchr(base + lineStart, 0x0A, remaining)
                .map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? range.upperBound
            part.lineCount += 1
            if lineEnd - lineStart > maximumLineLength {
                part.outcomes.append(Outcome(line: part.lineCount, result: nil))
            } else {
                let result = part.parser.parse(UnsafeBufferPointer(start: base + lineStart, count: lineEnd - lineStart))
                if result != .noMatch { part.outcomes.append(Outcome(line: part.lineCount, result: result)) }
            }
            lineStart = lineEnd + 1
        }
        return part
    }
}

/// What the worker threads share: read-only input, and one result slot and one recycled outcome array
/// each (no two workers touch the same index, and the caller reads them only after `concurrentPerform`
/// returns).
private struct SharedInput: @unchecked Sendable {
    let window: UnsafeBufferPointer<UInt8>
    let slots: UnsafeMutableBufferPointer<ChunkParser.Part?>
    let storages: UnsafeMutableBufferPointer<[ChunkParser.Outcome]>
    let first: LogLineParser
    let fresh: LogLineParser
}
