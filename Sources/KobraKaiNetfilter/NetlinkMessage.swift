/// One netlink message inside a received (or built) buffer.
struct NetlinkMessage {
    var type: UInt16
    var flags: UInt16
    var sequence: UInt32
    /// Everything after the 16-byte nlmsghdr.
    var payload: ArraySlice<UInt8>
}
