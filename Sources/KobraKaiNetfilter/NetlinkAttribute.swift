/// One netlink attribute: its type (without the nested/byte-order flag bits) and payload.
struct NetlinkAttribute {
    var type: UInt16
    var payload: ArraySlice<UInt8>
    /// Offset of the attribute header from the start of the enclosing buffer.
    var offset: Int

    var bigEndianUInt32: UInt32? { Self.integer(payload, as: UInt32.self) }
    var bigEndianUInt64: UInt64? { Self.integer(payload, as: UInt64.self) }
    var hostUInt32: UInt32? {
        payload.count == 4 ? NetlinkMessageReader.hostUInt32(payload, at: payload.startIndex) : nil
    }

    /// The string up to (not including) the first NUL.
    var string: String {
        let end = payload.firstIndex(of: 0) ?? payload.endIndex
        return String(decoding: payload[payload.startIndex..<end], as: UTF8.self)
    }

    var nested: [NetlinkAttribute] { NetlinkMessageReader.attributes(in: payload) }

    /// Reads big-endian bytes byte by byte: attributes are only 4-byte aligned (P-7), so no typed loads.
    private static func integer<T: FixedWidthInteger>(_ bytes: ArraySlice<UInt8>, as type: T.Type) -> T? {
        guard bytes.count == MemoryLayout<T>.size else { return nil }
        return bytes.reduce(T(0)) { $0 << 8 | T($1) }
    }
}
