import Foundation
import Glibc

/// The one place test support starts a program: `posix_spawnp` with standard input and output bound to
/// files. (`Foundation.Process` hangs inside a fresh network namespace, nftables-netlink.md P-21, and a
/// spawned child inherits the namespace of the calling thread.) Test and benchmark support only.
enum PosixSpawn {
    /// Where a standard stream goes.
    enum Target {
        /// A file opened with these flags (O_RDONLY for input; O_WRONLY|O_CREAT plus O_TRUNC or O_APPEND).
        case file(String, flags: Int32)
        /// The same open file as standard output (2>&1).
        case standardOutput
    }

    /// Starts `arguments` and returns its pid.
    static func start(
        _ arguments: [String], input: Target, output: Target, error: Target, environment: [String: String]?
    ) throws -> pid_t {
        precondition(!arguments.isEmpty, "a program to run")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (descriptor, target) in [(Int32(0), input), (1, output), (2, error)] {
            switch target {
            case .file(let path, let flags): posix_spawn_file_actions_addopen(&actions, descriptor, path, flags, 0o600)
            case .standardOutput: posix_spawn_file_actions_adddup2(&actions, 1, descriptor)
            }
        }
        let environmentStrings = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = environmentStrings.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, &argv, &envp)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
        return pid
    }

    /// An exit status as a shell reports it: the code, or 128 + the signal.
    static func exitStatus(_ status: Int32) -> Int32 {
        (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
