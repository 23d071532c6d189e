#if canImport(Glibc)
import Glibc
#endif

/// The listening control socket: created safely, mode 0600, removed again on close.
final class ControlListener: Sendable {
    let descriptor: Int32
    let path: String

    /// Creates the parent directory (0700) when missing, removes a stale socket left by a crash (but not a
    /// live one, nor anything that is not a socket), and binds with umask 0177 so the socket is never, even
    /// for an instant, connectable by other users; a chmod 0600 follows in case the umask was overridden.
    init(path: String) throws(ControlError) {
        self.path = path
        try Self.createParentDirectory(of: path)
        try Self.removeStaleSocket(at: path)
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw ControlError("socket: errno \(errno)", errno: errno) }
        let previousMask = umask(0o177)
        let bound: Int32
        do {
            bound = try UnixSocketAddress.withAddress(path) { bind(descriptor, $0, $1) }
        } catch {
            umask(previousMask)
            close(descriptor)
            throw ControlError("control socket path too long: \(path)")
        }
        let bindError = errno
        umask(previousMask)
        guard bound == 0 else {
            close(descriptor)
            throw ControlError("bind \(path): \(String(cString: strerror(bindError)))", errno: bindError)
        }
        // Non-blocking, so a peer that vanishes between poll and accept cannot block the accept loop.
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        guard chmod(path, 0o600) == 0, listen(descriptor, 16) == 0 else {
            let error = errno
            close(descriptor)
            unlink(path)
            throw ControlError("listen \(path): \(String(cString: strerror(error)))", errno: error)
        }
        self.descriptor = descriptor
    }

    /// Waits for the next connection; `nil` once `wake` fires.
    func accept(wake: WakeSignal) throws(SystemCallError) -> Int32? {
        while true {
            var entries = [
                pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wake.descriptor, events: Int16(POLLIN), revents: 0),
            ]
            if poll(&entries, 2, -1) < 0 {
                if errno == EINTR { continue }
                throw .current("poll control socket")
            }
            if entries[1].revents != 0 { return nil }
            // accept4 is not exported by Glibc's Swift module; the daemon never forks, so setting
            // close-on-exec right after accept leaves no window that matters.
            let client = Glibc.accept(descriptor, nil, nil)
            if client >= 0 {
                _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                return client
            }
            // A peer that gave up between poll and accept, or a signal: wait again.
            if [EINTR, EAGAIN, ECONNABORTED, EPROTO].contains(errno) { continue }
            // Out of descriptors or memory: transient; pause instead of ending the daemon or spinning.
            if [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(errno) {
                usleep(100_000)
                continue
            }
            throw .current("accept \(path)")
        }
    }

    deinit {
        close(descriptor)
        unlink(path)
    }

    private static func createParentDirectory(of path: String) throws(ControlError) {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        var prefix = ""
        for component in path[..<slash].split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o700) != 0, errno != EEXIST {
                throw ControlError("cannot create \(prefix): \(String(cString: strerror(errno)))", errno: errno)
            }
        }
    }

    private static func removeStaleSocket(at path: String) throws(ControlError) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw ControlError("\(path) exists and is not a socket; not removing it")
        }
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(probe) }
        let connected = (try? UnixSocketAddress.withAddress(path) { connect(probe, $0, $1) }) ?? -1
        if connected == 0 { throw ControlError("another kobrakai is already listening on \(path)") }
        guard errno == ECONNREFUSED else {
            throw ControlError("cannot check \(path): \(String(cString: strerror(errno)))", errno: errno)
        }
        unlink(path)  // nobody listens: left over from a crash
    }
}
