/// Appends netlink messages and attributes to one contiguous byte buffer, the unit a batch is sent in.
///
/// Netlink headers and lengths are host byte order; nf_tables attribute payloads (u32, u64) are big-endian,
/// so the typed `put` helpers take host values and swap them here, once. Offsets returned by
/// `beginMessage` and `beginNest` let the caller patch lengths and map kernel error offsets back.
struct NetlinkMessageWriter {
    private(set) var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    var count: Int { bytes.count }

    /// Starts an nf_tables message (nlmsghdr + nfgenmsg) and returns its offset in the buffer.
    mutating func beginMessage(type: UInt16, flags: UInt16, sequence: UInt32, family: UInt8,
                               resourceID: UInt16 = 0) -> Int {
        let start = bytes.count
        appendHost(UInt32(0))  // nlmsg_len, patched by endMessage
        appendHost(type)
        appendHost(flags | Netlink.requestFlag)
        appendHost(sequence)
        appendHost(UInt32(0))  // nlmsg_pid: 0 = the kernel
        bytes.append(family)  // nfgenmsg.nfgen_family
        bytes.append(0)  // nfgenmsg.version = NFNETLINK_V0
        appendBigEndian(resourceID)  // nfgenmsg.res_id
        return start
    }

    mutating func endMessage(startingAt start: Int) {
        patchHostUInt32(UInt32(bytes.count - start), at: start)
    }

    mutating func put(_ type: UInt16, bytes payload: some Collection<UInt8>) {
        let length = 4 + payload.count
        precondition(length <= Int(UInt16.max), "netlink attribute too long")
        appendHost(UInt16(length))
        appendHost(type)
        bytes.append(contentsOf: payload)
        padToAlignment()
    }

    /// A NUL-terminated string attribute (NLA_STRING / NLA_NUL_STRING).
    mutating func put(_ type: UInt16, string: String) {
        put(type, bytes: Array(string.utf8) + [0])
    }

    mutating func put(_ type: UInt16, bigEndian value: UInt32) {
        let length = 8
        appendHost(UInt16(length))
        appendHost(type)
        appendBigEndian(value)
    }

    mutating func put(_ type: UInt16, bigEndian value: UInt64) {
        appendHost(UInt16(12))
        appendHost(type)
        appendBigEndian(value)
    }

    /// Appends bytes that are already encoded attributes (4-byte aligned).
    mutating func append(raw: [UInt8]) {
        bytes.append(contentsOf: raw)
    }

    /// Opens a nested attribute and returns its offset; close it with `endNest`.
    mutating func beginNest(_ type: UInt16) -> Int {
        let start = bytes.count
        appendHost(UInt16(0))
        appendHost(type | Netlink.nestedFlag)
        return start
    }

    mutating func endNest(startingAt start: Int) {
        let length = bytes.count - start
        precondition(length <= Int(UInt16.max), "netlink nest overflow: split the message earlier")
        withUnsafeBytes(of: UInt16(length)) { raw in
            bytes[start] = raw[0]
            bytes[start + 1] = raw[1]
        }
    }

    private mutating func padToAlignment() {
        while bytes.count % 4 != 0 { bytes.append(0) }
    }

    private mutating func appendHost<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
    }

    private mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    private mutating func patchHostUInt32(_ value: UInt32, at offset: Int) {
        withUnsafeBytes(of: value) { raw in
            for index in 0..<4 { bytes[offset + index] = raw[index] }
        }
    }
}
