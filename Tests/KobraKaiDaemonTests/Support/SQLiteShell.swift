import Foundation

/// Runs SQL through the `sqlite3` command-line tool: a separate process, as kkset or a restarted daemon
/// would be, with its own view of the file and its locks.
struct SQLiteShell {
    let path: String
    let executable: String

    init(path: String) throws {
        self.path = path
        guard let found = ["/usr/bin/sqlite3", "/bin/sqlite3"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { throw TestFailure("sqlite3 not installed (apt-get install sqlite3)") }
        executable = found
    }

    @discardableResult
    func run(_ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [path, sql]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("sqlite3 exited \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }
}
