import Foundation
import Glibc

/// Runs a program with `posix_spawn` and collects its exit status and output.
///
/// Test and benchmark support only: the product never forks (it talks netlink). `Foundation.Process` hangs
/// inside a fresh network namespace (nftables-netlink.md P-21), and `posix_spawn` also lets the child inherit
/// the namespace of the calling thread, which is how `nft` cross-checks see a test's private ruleset.
public struct ChildProcess: Sendable {
    public struct Outcome: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    public var arguments: [String]
    public var standardInput: String?
    public var environment: [String: String]?

    public init(_ arguments: [String], standardInput: String? = nil, environment: [String: String]? = nil) {
        precondition(!arguments.isEmpty, "a program to run")
        self.arguments = arguments
        self.standardInput = standardInput
        self.environment = environment
    }

    /// Spawns the program from the calling thread and waits for it.
    public func run() throws -> Outcome {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kk-spawn-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputPath = directory.appendingPathComponent("stdin").path
        let outputPath = directory.appendingPathComponent("stdout").path
        let errorPath = directory.appendingPathComponent("stderr").path
        try (standardInput ?? "").write(toFile: inputPath, atomically: false, encoding: .utf8)

        let pid = try PosixSpawn.start(
            arguments, input: .file(inputPath, flags: O_RDONLY),
            output: .file(outputPath, flags: O_WRONLY | O_CREAT | O_TRUNC),
            error: .file(errorPath, flags: O_WRONLY | O_CREAT | O_TRUNC), environment: environment)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitStatus = PosixSpawn.exitStatus(status)
        return Outcome(status: exitStatus,
                       standardOutput: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "",
                       standardError: (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "")
    }
}
