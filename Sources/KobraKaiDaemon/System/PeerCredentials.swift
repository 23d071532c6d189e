#if canImport(Glibc)
import Glibc
#endif

/// Who is at the other end of a connected Unix socket, as the kernel vouches (SO_PEERCRED): the
/// credentials the peer had when it connected, which it cannot forge.
struct PeerCredentials: Hashable, Sendable {
    var processID: Int32
    var userID: UInt32
    var groupID: UInt32

    /// `struct ucred` is hidden behind _GNU_SOURCE in Glibc's Swift module; its layout (pid, uid, gid, three
    /// 32-bit fields) is fixed by the Linux ABI, so it is mirrored here.
    private struct RawCredentials {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    init(processID: Int32, userID: UInt32, groupID: UInt32) {
        self.processID = processID
        self.userID = userID
        self.groupID = groupID
    }

    init(of descriptor: Int32) throws(SystemCallError) {
        var raw = RawCredentials()
        var length = socklen_t(MemoryLayout<RawCredentials>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_PEERCRED, &raw, &length) == 0 else {
            throw .current("getsockopt SO_PEERCRED")
        }
        self.init(processID: raw.pid, userID: raw.uid, groupID: raw.gid)
    }
}
