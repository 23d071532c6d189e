#if canImport(Glibc)
import Glibc
#endif

/// Hands one message to the local MTA through its sendmail interface: `sendmail -t -oi`, the message on
/// standard input (`-t`: recipients from the To header; `-oi`: a line with a single dot does not end it).
///
/// This is the one program KobraKai ever starts, because sendmail IS the MTA's interface (Postfix, Exim and
/// OpenSMTPD all install it; no SMTP client, no credentials, and the local queue retries for us). Bans are
/// never applied by running a program: no `nft`, `iptables` or `ipset`, ever. To keep it that narrow:
/// - `posix_spawn`, never a shell: the argument vector is fixed (`path -t -oi`), nothing from the message
///   or the configuration other than the program path reaches it;
/// - a minimal environment (`PATH`, `LC_ALL=C`), signal dispositions and mask reset to the defaults,
///   and every descriptor above 2 closed in the child;
/// - standard input is one end of a Unix socket pair, written with MSG_NOSIGNAL, so a sendmail that
///   exits early is an error here, not a SIGPIPE that kills the daemon;
/// - a deadline: a sendmail that hangs is killed.
/// Blocking: call it from a dedicated thread (`BlockingExecutor`), never the cooperative pool.
enum SendmailProcess {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs sendmail with `message` on standard input; returns when it exited with status 0.
    /// - Throws: `Failure` with the exit status and the first lines sendmail printed.
    static func send(_ message: [UInt8], sendmailPath: String, timeout: Duration = .seconds(60)) throws(Failure) {
        let deadline = ContinuousClock.now + timeout
        var input: [Int32] = [-1, -1]
        var output: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &input) == 0,
              socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &output) == 0
        else {
            let reason = String(cString: strerror(errno))
            for descriptor in input + output where descriptor >= 0 { close(descriptor) }
            throw Failure(description: "socketpair: \(reason)")
        }
        let pid: pid_t
        do {
            pid = try spawn(sendmailPath, stdin: input[1], stdout: output[1])
        } catch {
            for descriptor in input + output { close(descriptor) }
            throw error
        }
        close(input[1])
        close(output[1])
        let written = writeAll(message, to: input[0])
        close(input[0])  // end of message
        let printed = readOutput(output[0], until: deadline)
        close(output[0])
        let status = waitForExit(pid, until: deadline)
        let said = printed.isEmpty ? "" : ": " + String(decoding: printed.prefix(512), as: UTF8.self)
            .split(whereSeparator: \.isNewline).prefix(3).joined(separator: " / ")
        switch status {
        case .exited(0) where written: return
        case .exited(0): throw Failure(description: "\(sendmailPath) stopped reading the message\(said)")
        case .exited(let code): throw Failure(description: "\(sendmailPath) exited with status \(code)\(said)")
        case .signalled(let signal): throw Failure(description: "\(sendmailPath) killed by signal \(signal)\(said)")
        case .timedOut: throw Failure(description: "\(sendmailPath) did not finish within \(timeout); killed")
        }
    }

    private static func spawn(_ path: String, stdin: Int32, stdout: Int32) throws(Failure) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stdout, 2)
        // Nothing of the daemon (netlink socket, state database, control socket) leaks into the MTA.
        closeInheritedDescriptors(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let arguments = [path, "-t", "-oi"]
        let environment = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        // posix_spawn, not posix_spawnp: the configured absolute path, no PATH search.
        let result = posix_spawn(&pid, path, &actions, &attributes, &argv, &envp)
        guard result == 0 else { throw Failure(description: "cannot start \(path): \(String(cString: strerror(result)))") }
        return pid
    }

    /// glibc 2.34+ closes every descriptor above 2 in the child in one action; Swift's Glibc module does not
    /// export it (a GNU extension), hence the run-time look-up. Without it, each descriptor open now is
    /// closed in the child one by one (glibc ignores those that are gone by then).
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
            return
        }
        guard let directory = opendir("/proc/self/fd") else { return }
        defer { closedir(directory) }
        let own = dirfd(directory)
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let descriptor = Int32(name), descriptor > 2, descriptor != own {
                posix_spawn_file_actions_addclose(&actions, descriptor)
            }
        }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += count
        }
        return true
    }

    /// What sendmail printed (at most 4 KiB kept), until it closes its output or the deadline passes.
    private static func readOutput(_ descriptor: Int32, until deadline: ContinuousClock.Instant) -> [UInt8] {
        var kept: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let remaining = deadline - .now
            guard remaining > .zero else { return kept }
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, Int32(clamping: remaining.components.seconds * 1000 + 1))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return kept }
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return kept }
            if kept.count < 4096 { kept += buffer[..<min(count, 4096 - kept.count)] }
        }
    }

    private enum ExitStatus {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
    }

    private static func waitForExit(_ pid: pid_t, until deadline: ContinuousClock.Instant) -> ExitStatus {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if result < 0 && errno != EINTR { return .exited(-1) }
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                return .timedOut
            }
            usleep(20_000)
        }
        return (status & 0x7f) == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
    }
}
