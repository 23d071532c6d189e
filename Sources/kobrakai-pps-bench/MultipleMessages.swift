import Glibc

/// `sendmmsg`/`recvmmsg` without a C shim: glibc declares them only under _GNU_SOURCE, which Swift's Glibc
/// module does not set, so the functions are looked up at run time (their `struct mmsghdr` is `MessageEntry`).
enum MultipleMessages {
    typealias SendFunction = @convention(c) (Int32, UnsafeMutableRawPointer, UInt32, Int32) -> Int32
    typealias ReceiveFunction = @convention(c) (Int32, UnsafeMutableRawPointer, UInt32, Int32,
                                                UnsafeMutablePointer<timespec>?) -> Int32

    /// MSG_WAITFORONE (also _GNU_SOURCE only): return once one datagram is in.
    static let waitForOne: Int32 = 0x10000

    static let send: SendFunction = unsafeBitCast(symbol("sendmmsg"), to: SendFunction.self)
    static let receive: ReceiveFunction = unsafeBitCast(symbol("recvmmsg"), to: ReceiveFunction.self)

    /// An array of `count` entries, each pointing at its own iovec of `size` bytes in `buffers`.
    static func entries(count: Int, buffers: UnsafeMutableRawPointer, size: Int, stride: Int)
        -> (UnsafeMutablePointer<MessageEntry>, UnsafeMutablePointer<iovec>)
    {
        precondition(MemoryLayout<MessageEntry>.stride == MemoryLayout<msghdr>.size + 8, "struct mmsghdr layout")
        let vectors = UnsafeMutablePointer<iovec>.allocate(capacity: count)
        let entries = UnsafeMutablePointer<MessageEntry>.allocate(capacity: count)
        for index in 0..<count {
            vectors[index] = iovec(iov_base: buffers + index * stride, iov_len: size)
            var header = msghdr()
            header.msg_iov = vectors + index
            header.msg_iovlen = 1
            entries[index] = MessageEntry(header: header, length: 0)
        }
        return (entries, vectors)
    }

    private static func symbol(_ name: String) -> UnsafeMutableRawPointer {
        // RTLD_DEFAULT is a null handle in glibc: search the libraries already loaded (libc).
        guard let address = dlsym(nil, name) else { fatalError("\(name) not found in the C library") }
        return address
    }
}
