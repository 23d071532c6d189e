/// Writes set-element nests straight into a byte array: the hot path of a 100 000-ban load, so no closures,
/// no temporary arrays, just appends (the generic `NetlinkMessageWriter` costs ~5x more per element).
enum ElementEncoder {
    /// Appends one NFTA_LIST_ELEM nest; the result is exactly `element.encodedSize` bytes.
    /// Every element nest has type NFTA_LIST_ELEM, as nft writes it: the kernel ignores the type, but
    /// libnftnl's parser (and so `nft monitor`/debug output) rejects any other.
    static func append(_ element: SetElement, to bytes: inout [UInt8]) {
        let start = bytes.count
        appendHeader(length: 0, type: NfTables.listElement | Netlink.nestedFlag, to: &bytes)
        if element.isIntervalEnd {
            appendHeader(length: 8, type: NfTables.elementFlags, to: &bytes)
            appendBigEndian(NfTables.elementIntervalEndFlag, to: &bytes)
        }
        let keyLength = element.key.count
        appendHeader(length: UInt16(8 + keyLength), type: NfTables.elementKey | Netlink.nestedFlag, to: &bytes)
        appendHeader(length: UInt16(4 + keyLength), type: NfTables.dataValue, to: &bytes)
        element.key.appendPadded(to: &bytes)
        if let timeout = element.timeoutMilliseconds {
            appendHeader(length: 12, type: NfTables.elementTimeout, to: &bytes)
            appendBigEndian(UInt64(timeout), to: &bytes)
        }
        if let expiration = element.expirationMilliseconds {
            appendHeader(length: 12, type: NfTables.elementExpiration, to: &bytes)
            appendBigEndian(UInt64(expiration), to: &bytes)
        }
        if let userData = ElementComment.userData(for: element.comment) {
            appendHeader(length: UInt16(4 + userData.count), type: NfTables.elementUserData, to: &bytes)
            bytes.append(contentsOf: userData)
            for _ in userData.count..<SetElement.aligned(userData.count) { bytes.append(0) }
        }
        // Patch the nest length (host byte order) now that the content is written.
        withUnsafeBytes(of: UInt16(bytes.count - start)) { raw in
            bytes[start] = raw[0]
            bytes[start + 1] = raw[1]
        }
    }

    @inline(__always)
    private static func appendHeader(length: UInt16, type: UInt16, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: length) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: type) { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    private static func appendBigEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}
