import Glibc

/// Appends to a log file the way a logger does: one descriptor held open, whole lines per `write`.
final class LogWriter {
    let path: String
    private var descriptor: Int32

    init(path: String, truncate: Bool = false) throws {
        self.path = path
        descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0o644)
        guard descriptor >= 0 else { throw TestFailure("open \(path): errno \(errno)") }
    }

    func write(_ text: String) {
        var bytes = Array(text.utf8)
        let written = bytes.withUnsafeMutableBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        precondition(written == bytes.count, "short write to \(path)")
    }

    func line(_ text: String) { write(text + "\n") }

    /// Closes the current file and opens `path` again (the logger's reaction to a rotation).
    func reopen() throws {
        close(descriptor)
        descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw TestFailure("reopen \(path): errno \(errno)") }
    }

    func truncateInPlace() { precondition(ftruncate(descriptor, 0) == 0) }

    deinit { close(descriptor) }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
