#if canImport(Glibc)
import Glibc
#endif
import KobraKaiCore
import Logging

/// The blocking heart of a log follower: reads one path across rotations and hands out line batches.
///
/// Used from one thread at a time (its `LogFollower` iterator serialises calls). Every wake-up re-examines
/// the file instead of trusting event order, so lost or coalesced inotify events cannot desynchronise it:
/// - at end of file, a size below the read offset means copytruncate: restart at 0;
/// - a different file at the path means rotation: drain the old file once more, then switch to the new one
///   and read it from 0 (losing nothing the writer wrote before renaming);
/// - no file at the path (deleted or renamed away) keeps the old descriptor open, since a writer may still
///   append to it, until a new file appears.
final class FollowerEngine {
    private struct OpenFile {
        var descriptor: Int32
        var identity: FileIdentity
        /// Next byte to read.
        var offset: Int64
        var fingerprint = TailFingerprint()
        /// The file's inode change time when opened, in the kernel's own clock: any generation rotated
        /// after this file started has a later one (see `openIntermediateGeneration`).
        let changeTimeAtOpen: Int64
        /// The inode change time when this file was last found truncated in place (copytruncate): the copy
        /// logrotate made just before is no newer, so it is never taken for an unread middle generation.
        var changeTimeAtTruncation: Int64?

        init(descriptor: Int32, info: stat, offset: Int64) {
            self.descriptor = descriptor
            identity = FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
            self.offset = offset
            changeTimeAtOpen = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
            fingerprint.load(from: descriptor, endingAt: offset)
        }
    }

    private let configuration: LogFollowerConfiguration
    private let watcher: InotifyWatcher
    private let logger: Logger
    private var file: OpenFile?
    private var assembler: LineAssembler
    private var isStarting = true
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)

    init(configuration: LogFollowerConfiguration, logger: Logger) throws(SystemCallError) {
        self.configuration = configuration
        self.logger = logger
        let (directory, fileName) = Self.split(configuration.path)
        watcher = try InotifyWatcher(directory: directory, fileName: fileName)
        assembler = LineAssembler(maxLineLength: configuration.maxLineLength)
    }

    deinit {
        if let file { close(file.descriptor) }
    }

    /// Lines cut short so far because they exceeded the bound.
    var truncatedLineCount: Int { assembler.truncatedLineCount }

    /// Blocks until at least one complete line is available and returns it with the lines after it, or
    /// returns `nil` once `wake` has been signalled.
    func nextBatch(wake: WakeSignal) throws(SystemCallError) -> LogBatch? {
        while !wake.isSignalled {
            if file == nil { try openIfPresent() }
            if file != nil {
                if try restartIfTruncated() { continue }
                if let batch = try readAvailable() { return batch }
                if try restartIfTruncated() { continue }
                let (batch, switched) = try switchIfReplaced()
                if let batch { return batch }
                if switched { continue }  // read the new file at once: it may already hold lines
            }
            if try watcher.wait(wake: wake) == .stopRequested { return nil }
        }
        return nil
    }

    // MARK: Opening and switching

    /// Makes the start-up open attempt now (see `LogFollower.start()`).
    func openAtStart() throws(SystemCallError) {
        if isStarting { try openIfPresent() }
    }

    private func openIfPresent() throws(SystemCallError) {
        let starting = isStarting
        isStarting = false
        if starting, try resumeRotatedFile() { return }
        let descriptor = open(configuration.path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else {
            if errno == ENOENT {
                if starting { logger.notice("log file missing, waiting for it", metadata: ["path": "\(configuration.path)"]) }
                return
            }
            throw .current("open \(configuration.path)")
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let error = SystemCallError.current("fstat \(configuration.path)")
            close(descriptor)
            throw error
        }
        let identity = FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        let size = Int64(info.st_size)
        var offset: Int64 = 0
        if starting {
            if let saved = configuration.savedPosition {
                // The saved file, still holding the bytes before the offset: resume. Anything else (another
                // file, or the same inode truncated and refilled while the daemon was down, where resuming
                // would start in the middle of new content and skip everything before it): from 0.
                offset = Self.holds(saved, descriptor, info) ? saved.offset : 0
                if offset == 0, saved.offset > 0, saved.identity == identity {
                    logger.notice("log file was truncated and refilled while stopped: reading it from its start",
                                  metadata: ["path": "\(configuration.path)"])
                }
            } else if configuration.startPoint == .end {
                offset = size
            }
        }
        file = OpenFile(descriptor: descriptor, info: info, offset: offset)
        assembler.reset()
        watcher.watchFile(at: configuration.path)
        logger.debug("following", metadata: ["path": "\(configuration.path)", "file": "\(identity)", "offset": "\(offset)"])
    }

    private static func followsLineEnd(_ descriptor: Int32, _ offset: Int64) -> Bool {
        var byte: UInt8 = 0
        return pread(descriptor, &byte, 1, off_t(offset - 1)) == 1 && byte == UInt8(ascii: "\n")
    }

    /// At start, when the file at the path is not the one the saved position names, the saved file may have
    /// been rotated while the daemon was down: if `path.1` or `path.0` is that file and holds unread lines,
    /// they are read first (then the new file from 0), so a restart across a rotation skips nothing.
    ///
    /// When the saved file is nowhere (deleted: delete + re-create, then a rename before the daemon saved a
    /// position in the new file, then a crash), `path.1` is read from 0 if it was written after the position
    /// was saved: it holds lines no saved position covers. At worst lines read but not yet saved when the
    /// daemon died are read twice, which is better than never.
    ///
    /// A file only counts as the saved one when its identity matches AND it still holds the bytes before the
    /// saved offset: a deleted file's inode number is soon given to a new file.
    private func resumeRotatedFile() throws(SystemCallError) -> Bool {
        guard let saved = configuration.savedPosition else { return false }
        for candidate in [configuration.path, configuration.path + ".1", configuration.path + ".0"] {
            let descriptor = open(candidate, O_RDONLY | O_CLOEXEC | O_NOCTTY)
            guard descriptor >= 0 else { continue }
            var info = stat()
            guard fstat(descriptor, &info) == 0, Self.holds(saved, descriptor, info) else {
                close(descriptor)
                continue
            }
            // At the path itself, or read to its end already: the usual start handles it.
            guard candidate != configuration.path, Int64(info.st_size) > saved.offset else {
                close(descriptor)
                return false
            }
            resume(candidate, descriptor: descriptor, info: info, offset: saved.offset)
            logger.info("resuming the rotated file first", metadata: ["path": "\(candidate)"])
            return true
        }
        return try readRotatedFileWrittenAfterSave()
    }

    /// Whether the open file is the one `position` was saved in (see `resumeRotatedFile`).
    private static func holds(_ position: FilePosition, _ descriptor: Int32, _ info: stat) -> Bool {
        FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)) == position.identity
            && holdsContent(of: position, descriptor, size: Int64(info.st_size))
    }

    /// Whether the bytes before `position.offset` are the ones saved with it: their hash when it was saved
    /// (positions from before the hash: a line end, as every saved position follows one, which a refill
    /// matches by chance about once per average line length, far more often with regular lines).
    private static func holdsContent(of position: FilePosition, _ descriptor: Int32, size: Int64) -> Bool {
        guard size >= position.offset else { return false }
        guard position.offset > 0 else { return true }
        if let saved = position.tailHash { return TailFingerprint.hash(of: descriptor, endingAt: position.offset) == saved }
        return followsLineEnd(descriptor, position.offset)
    }

    /// `path.1` when it was modified after the saved position was (see `resumeRotatedFile`). A copy of the
    /// saved file (copytruncate while the daemon was down: same bytes, another inode) is resumed at the
    /// saved offset, recognised by the bytes before it; any other file is read from 0.
    private func readRotatedFileWrittenAfterSave() throws(SystemCallError) -> Bool {
        guard let savedAt = configuration.positionSavedAt, let saved = configuration.savedPosition else { return false }
        let candidate = configuration.path + ".1"
        let descriptor = open(candidate, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else { return false }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_size > 0,
              Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000 > savedAt.millisecondsSinceEpoch
        else {
            close(descriptor)
            return false
        }
        let isCopy = saved.offset > 0 && Self.holdsContent(of: saved, descriptor, size: Int64(info.st_size))
        resume(candidate, descriptor: descriptor, info: info, offset: isCopy ? saved.offset : 0)
        logger.notice("the file the saved position names is gone; reading the rotated file written after that position was saved",
                      metadata: ["path": "\(candidate)", "from": isCopy ? "the saved offset (a copy of the saved file)" : "its start"])
        return true
    }

    private func resume(_ path: String, descriptor: Int32, info: stat, offset: Int64) {
        file = OpenFile(descriptor: descriptor, info: info, offset: offset)
        assembler.reset()
        watcher.watchFile(at: path)
    }

    /// After rotation: when the path names another file, hands out what the old file still holds; once it
    /// is drained, closes it and opens the new one.
    private func switchIfReplaced() throws(SystemCallError) -> (batch: LogBatch?, switched: Bool) {
        guard let current = file else { return (nil, false) }
        var info = stat()
        guard stat(configuration.path, &info) == 0 else { return (nil, false) }  // gone: keep the old one open
        let identity = FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        guard identity != current.identity else { return (nil, false) }
        // The writer renamed the old file before creating the new one: anything it wrote is there by now.
        if let batch = try readAvailable() { return (batch, false) }
        var lines: [LogLine] = []
        if let partial = assembler.flushPartialLine(endOffset: current.offset) { lines.append(partial) }
        close(current.descriptor)
        file = nil
        logger.info("log file rotated", metadata: ["path": "\(configuration.path)", "old": "\(current.identity)"])
        if let intermediate = openIntermediateGeneration(after: current, newIdentity: identity) {
            file = intermediate
            assembler.reset()
            watcher.watchFile(at: configuration.path + ".1")
            logger.notice("rotated twice since the last read: reading the middle generation from path.1 first",
                          metadata: ["path": "\(configuration.path)"])
        } else {
            try openIfPresent()
        }
        guard !lines.isEmpty else { return (nil, true) }
        let batch = LogBatch(path: configuration.path, lines: lines, position: FilePosition(
            identity: current.identity, offset: current.offset,
            tailHash: TailFingerprint.hash(of: current.descriptor, endingAt: current.offset)))
        return (batch, true)
    }

    /// Two rotations between two reads (rotations seconds apart under a burst, or a follower stalled by a
    /// slow consumer) leave a middle generation that was never the file we had open: with numbered
    /// rotation it sits at `path.1`. It is taken when it is neither the old nor the new file and was
    /// changed after the old file was opened; a stale `path.1` from an earlier rotation is older and is
    /// left alone, so nothing is read twice.
    private func openIntermediateGeneration(after old: OpenFile, newIdentity: FileIdentity) -> OpenFile? {
        let candidate = configuration.path + ".1"
        let descriptor = open(candidate, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else { return nil }
        var info = stat()
        if fstat(descriptor, &info) == 0 {
            let intermediate = OpenFile(descriptor: descriptor, info: info, offset: 0)
            if intermediate.identity != old.identity, intermediate.identity != newIdentity,
                intermediate.changeTimeAtOpen >= old.changeTimeAtOpen,
                intermediate.changeTimeAtOpen > old.changeTimeAtTruncation ?? .min
            {
                return intermediate
            }
        }
        close(descriptor)
        return nil
    }

    private func restartIfTruncated() throws(SystemCallError) -> Bool {
        guard let current = file else { return false }
        var info = stat()
        guard fstat(current.descriptor, &info) == 0 else { throw .current("fstat \(configuration.path)") }
        guard Int64(info.st_size) < current.offset || !current.fingerprint.matches(current.descriptor, endingAt: current.offset)
        else { return false }
        logger.info("log file truncated, reading from its start", metadata: ["path": "\(configuration.path)"])
        file?.changeTimeAtTruncation = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        file?.offset = 0
        file?.fingerprint.reset()
        assembler.reset()
        return true
    }

    // MARK: Reading

    /// Reads until end of file or `maxBatchLines`, whichever comes first.
    private func readAvailable() throws(SystemCallError) -> LogBatch? {
        guard var current = file else { return nil }
        var lines: [LogLine] = []
        while lines.count < configuration.maxBatchLines {
            // pread at our own offset: the descriptor's implicit position never matters, whatever happened
            // before (a discarded read after a truncation, a restart at 0).
            let offset = current.offset
            let count = retryingOnInterrupt {
                readBuffer.withUnsafeMutableBytes { pread(current.descriptor, $0.baseAddress, $0.count, off_t(offset)) }
            }
            if count < 0 { throw .current("read \(configuration.path)") }
            if count == 0 { break }
            // Truncated and refilled between the check and this read: what was read is not the continuation.
            // Keep the lines before it; the next round restarts at 0.
            guard current.fingerprint.matches(current.descriptor, endingAt: current.offset) else { break }
            readBuffer.withUnsafeBytes { bytes in
                let chunk = UnsafeRawBufferPointer(rebasing: bytes[..<count])
                assembler.append(chunk, at: current.offset, into: &lines)
                current.fingerprint.update(with: chunk)
            }
            current.offset += Int64(count)
        }
        file = current
        guard let last = lines.last else { return nil }
        return LogBatch(path: configuration.path, lines: lines, position: FilePosition(
            identity: current.identity, offset: last.endOffset,
            tailHash: TailFingerprint.hash(of: current.descriptor, endingAt: last.endOffset)))
    }

    private static func split(_ path: String) -> (directory: String, fileName: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }
}
