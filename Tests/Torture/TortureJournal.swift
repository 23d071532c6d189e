import Foundation
import Glibc

/// A timestamped record of every fault and rotation (`torture.log` in the working directory), to line up
/// with the daemon's own log (`daemon.err`) when a check fails.
final class TortureJournal: Sendable {
    private let descriptor: Int32

    init(path: String) throws {
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if descriptor < 0 { throw TortureError("open \(path): errno \(errno)") }
    }

    deinit { close(descriptor) }

    func note(_ text: String) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let line = String(format: "%02d:%02d:%02d.%03d ", parts.tm_hour, parts.tm_min, parts.tm_sec,
                          Int32(now.tv_nsec / 1_000_000)) + text + "\n"
        _ = line.withCString { write(descriptor, $0, strlen($0)) }
    }
}
