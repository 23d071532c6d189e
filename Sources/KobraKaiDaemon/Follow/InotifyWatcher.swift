#if canImport(Glibc)
import Glibc
#endif

/// An inotify instance that watches one file's directory (create, delete, rename) and the file itself
/// (writes, truncation), and sleeps in `poll` until one of them changes or a `WakeSignal` fires.
///
/// Not thread-safe: owned by one follower and used from its own thread only.
final class InotifyWatcher {
    /// Why a wait ended.
    enum WakeReason: Equatable {
        /// Something happened to the followed name or the watched file: look again.
        case changed
        /// The wake signal fired: stop.
        case stopRequested
    }

    private let descriptor: Int32
    private let directory: String
    private let fileName: String
    private var directoryWatch: Int32 = -1
    private var fileWatch: Int32 = -1
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    private static let directoryMask = UInt32(IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE)
        | UInt32(IN_DELETE_SELF | IN_MOVE_SELF)
    private static let fileMask = UInt32(IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF)

    /// - Throws: when inotify is unavailable or the directory does not exist (a missing *file* is fine).
    init(directory: String, fileName: String) throws(SystemCallError) {
        let descriptor = inotify_init1(Int32(IN_CLOEXEC) | Int32(IN_NONBLOCK))
        guard descriptor >= 0 else { throw .current("inotify_init1") }
        let directoryWatch = inotify_add_watch(descriptor, directory, Self.directoryMask)
        guard directoryWatch >= 0 else {
            let error = SystemCallError.current("inotify_add_watch \(directory)")
            // Closed here because the instance never owned it: `descriptor` is not set yet, so `deinit` does
            // not run. Once every stored property is set, a throwing init releases the instance through
            // `deinit`, which would close the same number a second time, possibly after another thread got it
            // (the state database's WAL, which then received its writes into another file).
            close(descriptor)
            throw error
        }
        // From here on `deinit` is the one owner that closes the descriptor.
        self.descriptor = descriptor
        self.directory = directory
        self.fileName = fileName
        self.directoryWatch = directoryWatch
    }

    deinit { close(descriptor) }

    /// Watches the file now at `path` for writes; the watch follows the inode through renames.
    /// A failure (the file vanished meanwhile) is harmless: the directory watch reports what happened.
    func watchFile(at path: String) {
        if fileWatch >= 0 { inotify_rm_watch(descriptor, fileWatch) }
        fileWatch = inotify_add_watch(descriptor, path, Self.fileMask)
    }

    func unwatchFile() {
        if fileWatch >= 0 { inotify_rm_watch(descriptor, fileWatch) }
        fileWatch = -1
    }

    /// Sleeps until a relevant change or the wake signal; events about other files in the directory are
    /// read and ignored without waking the caller.
    func wait(wake: WakeSignal) throws(SystemCallError) -> WakeReason {
        while true {
            var entries = [
                pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wake.descriptor, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&entries, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                throw .current("poll inotify")
            }
            if entries[1].revents != 0 { return .stopRequested }
            if try drainEvents() { return .changed }
        }
    }

    /// Reads every queued event; returns whether any concerns the followed file.
    private func drainEvents() throws(SystemCallError) -> Bool {
        var relevant = false
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EAGAIN { return relevant }
                if errno == EINTR { continue }
                throw .current("read inotify")
            }
            buffer.withUnsafeBytes { bytes in
                var offset = 0
                let headerSize = MemoryLayout<inotify_event>.size
                while offset + headerSize <= count {
                    let event = bytes.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    let nameLength = Int(event.len)
                    if isRelevant(event, name: bytes, nameOffset: offset + headerSize, nameLength: nameLength) {
                        relevant = true
                    }
                    offset += headerSize + nameLength
                }
            }
        }
    }

    private func isRelevant(
        _ event: inotify_event, name bytes: UnsafeRawBufferPointer, nameOffset: Int, nameLength: Int
    ) -> Bool {
        if event.mask & UInt32(IN_Q_OVERFLOW) != 0 { return true }  // events lost: look again
        if event.wd == fileWatch { return true }
        guard event.wd == directoryWatch else { return false }
        if event.mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF) != 0 { return true }
        // The name is NUL-padded to `len` bytes.
        let nameBytes = UnsafeRawBufferPointer(rebasing: bytes[nameOffset..<(nameOffset + nameLength)])
        let end = nameBytes.firstIndex(of: 0) ?? nameBytes.count
        return fileName.utf8.elementsEqual(nameBytes[..<end])
    }
}
