/// Writes set-element nests straight into a byte array: the hot path of a 100 000-ban load.
///
/// The exact size of an element is known in advance (`SetElement.encodedSize`), so the array grows once per
/// element and every field is stored in place; byte-by-byte appends cost several times more.
enum ElementEncoder {
    /// Appends one NFTA_LIST_ELEM nest; the result is exactly `element.encodedSize` bytes.
    /// Every element nest has type NFTA_LIST_ELEM, as nft writes it: the kernel ignores the type, but
    /// libnftnl's parser (and so `nft monitor`/debug output) rejects any other.
    static func append(_ element: SetElement, to bytes: inout [UInt8]) {
        let size = element.encodedSize
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: size))
        let userData = ElementComment.userData(for: element.comment)
        bytes.withUnsafeMutableBytes { raw in
            var cursor = Cursor(raw: raw, offset: start)
            cursor.header(length: UInt16(size), type: NfTables.listElement | Netlink.nestedFlag)
            if element.isIntervalEnd {
                cursor.header(length: 8, type: NfTables.elementFlags)
                cursor.bigEndian(NfTables.elementIntervalEndFlag)
            }
            let keyLength = element.key.count
            cursor.header(length: UInt16(8 + keyLength), type: NfTables.elementKey | Netlink.nestedFlag)
            cursor.header(length: UInt16(4 + keyLength), type: NfTables.dataValue)
            cursor.key(element.key)
            if let timeout = element.timeoutMilliseconds {
                cursor.header(length: 12, type: NfTables.elementTimeout)
                cursor.bigEndian(UInt64(timeout))
            }
            if let expiration = element.expirationMilliseconds {
                cursor.header(length: 12, type: NfTables.elementExpiration)
                cursor.bigEndian(UInt64(expiration))
            }
            if let userData {
                cursor.header(length: UInt16(4 + userData.count), type: NfTables.elementUserData)
                cursor.bytes(userData)
            }
        }
    }

    /// Stores fields at increasing offsets; padding bytes are already zero.
    private struct Cursor {
        let raw: UnsafeMutableRawBufferPointer
        var offset: Int

        /// Netlink attribute header: length and type in host byte order.
        mutating func header(length: UInt16, type: UInt16) {
            raw.storeBytes(of: length, toByteOffset: offset, as: UInt16.self)
            raw.storeBytes(of: type, toByteOffset: offset + 2, as: UInt16.self)
            offset += 4
        }

        mutating func bigEndian<T: FixedWidthInteger>(_ value: T) {
            raw.storeBytes(of: value.bigEndian, toByteOffset: offset, as: T.self)
            offset += MemoryLayout<T>.size
        }

        mutating func key(_ key: SetElementKey) {
            switch key.count {
            case 4:
                bigEndian(UInt32(truncatingIfNeeded: key.high >> 32))
            case 16:
                bigEndian(key.high)
                bigEndian(key.low)
            default:
                for byte in key {
                    raw[offset] = byte
                    offset += 1
                }
                offset = SetElement.aligned(offset)
            }
        }

        mutating func bytes(_ bytes: [UInt8]) {
            for byte in bytes {
                raw[offset] = byte
                offset += 1
            }
            offset = SetElement.aligned(offset)
        }
    }
}
