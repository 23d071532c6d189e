import Foundation
import Glibc

/// A real executable standing in for the MTA's sendmail: a shell script that writes its argv, its
/// environment and its standard input (the message) to numbered files in a temporary directory, then
/// exits with `status` (printing `complaint` on standard error when it fails).
struct FakeSendmail {
    let directory: TemporaryDirectory
    var path: String { directory.file("sendmail") }

    init(status: Int = 0, complaint: String = "") throws {
        directory = try TemporaryDirectory()
        let dir = directory.path
        let script = """
            #!/bin/sh
            n=$(ls \(dir) | grep -c '^mail\\.')
            printf '%s\\n' "$0" "$@" > \(dir)/argv.$n
            env > \(dir)/env.$n
            cat > \(dir)/mail.$n
            if [ \(status) -ne 0 ]; then echo '\(complaint)' >&2; fi
            exit \(status)

            """
        // Written through a close-on-exec descriptor, not Foundation's atomic write: that one opens its
        // temporary file without O_CLOEXEC, so a child that another test spawns meanwhile (sqlite3, python,
        // a shell) inherits a writable descriptor to this script, and running the script while that child
        // lives fails with ETXTBSY ("Text file busy").
        let descriptor = open(directory.file("sendmail"), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o700)
        guard descriptor >= 0 else { throw TestFailure("create \(directory.file("sendmail")): errno \(errno)") }
        let bytes = Array(script.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == bytes.count else { throw TestFailure("short write to \(directory.file("sendmail"))") }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.file("sendmail"))
    }

    /// Messages received so far, in order.
    var messages: [String] {
        (0..<100).compactMap { try? String(contentsOfFile: directory.file("mail.\($0)"), encoding: .utf8) }
    }

    func arguments(_ index: Int) -> [String] {
        ((try? String(contentsOfFile: directory.file("argv.\(index)"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func environment(_ index: Int) -> [String] {
        ((try? String(contentsOfFile: directory.file("env.\(index)"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}
