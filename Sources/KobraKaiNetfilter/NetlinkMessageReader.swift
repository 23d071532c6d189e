/// Splits received buffers into messages and attributes, never reading past the data (the kernel is
/// trusted, but a truncated receive must not crash the daemon).
enum NetlinkMessageReader {
    static func messages(in buffer: ArraySlice<UInt8>) -> [NetlinkMessage] {
        var result: [NetlinkMessage] = []
        var offset = buffer.startIndex
        while buffer.endIndex - offset >= Netlink.headerLength {
            let length = Int(hostUInt32(buffer, at: offset))
            guard length >= Netlink.headerLength, offset + length <= buffer.endIndex else { break }
            result.append(NetlinkMessage(
                type: hostUInt16(buffer, at: offset + 4),
                flags: hostUInt16(buffer, at: offset + 6),
                sequence: hostUInt32(buffer, at: offset + 8),
                payload: buffer[(offset + Netlink.headerLength)..<(offset + length)]))
            offset += (length + 3) & ~3
        }
        return result
    }

    static func attributes(in buffer: ArraySlice<UInt8>) -> [NetlinkAttribute] {
        var result: [NetlinkAttribute] = []
        var offset = buffer.startIndex
        while buffer.endIndex - offset >= 4 {
            let length = Int(hostUInt16(buffer, at: offset))
            guard length >= 4, offset + length <= buffer.endIndex else { break }
            let type = hostUInt16(buffer, at: offset + 2) & Netlink.attributeTypeMask
            result.append(NetlinkAttribute(type: type, payload: buffer[(offset + 4)..<(offset + length)], offset: offset))
            offset += (length + 3) & ~3
        }
        return result
    }

    /// Netlink headers are in host byte order: compose little-endian, then convert to native.
    static func hostUInt16(_ buffer: ArraySlice<UInt8>, at offset: Int) -> UInt16 {
        UInt16(littleEndian: UInt16(buffer[offset]) | UInt16(buffer[offset + 1]) << 8)
    }

    static func hostUInt32(_ buffer: ArraySlice<UInt8>, at offset: Int) -> UInt32 {
        UInt32(littleEndian: UInt32(buffer[offset]) | UInt32(buffer[offset + 1]) << 8
            | UInt32(buffer[offset + 2]) << 16 | UInt32(buffer[offset + 3]) << 24)
    }
}
