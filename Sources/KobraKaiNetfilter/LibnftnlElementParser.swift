import CMnl
import CNftnl

/// Parses NEWSETELEM-family messages with libnftnl, the reference parser nft itself uses.
///
/// Production code decodes dumps with the allocation-free `SetElementChannel.decodeElements`; this second,
/// independent parser lets the unit tests check that what our encoder writes is what libnftnl reads (the
/// libnftnl `tests/nft-set-test.c` round-trip pattern), with no kernel and no root.
enum LibnftnlElementParser {
    /// The set name and elements of one message, or `nil` when libnftnl rejects it.
    static func parse(messageBytes: [UInt8]) -> (setName: String, elements: [SetElement])? {
        guard let set = nftnl_set_alloc() else { return nil }
        defer { nftnl_set_free(set) }
        let status = messageBytes.withUnsafeBytes { raw in
            nftnl_set_elems_nlmsg_parse(raw.baseAddress!.assumingMemoryBound(to: nlmsghdr.self), set)
        }
        guard status >= 0 else { return nil }
        let setName = nftnl_set_get_str(set, UInt16(NFTNL_SET_NAME.rawValue)).map { String(cString: $0) } ?? ""
        guard let iterator = nftnl_set_elems_iter_create(set) else { return nil }
        defer { nftnl_set_elems_iter_destroy(iterator) }
        var elements: [SetElement] = []
        while let element = nftnl_set_elems_iter_next(iterator) {
            elements.append(convert(element))
        }
        return (setName, elements)
    }

    private static func convert(_ element: OpaquePointer) -> SetElement {
        // Always ask is_set before a getter: the u32/u64 getters dereference NULL for unset attributes (P-12).
        func isSet(_ attribute: Int) -> Bool { nftnl_set_elem_is_set(element, UInt16(attribute)) }
        var result = SetElement(key: [])
        var length: UInt32 = 0
        if isSet(NFTNL_SET_ELEM_KEY), let key = nftnl_set_elem_get(element, UInt16(NFTNL_SET_ELEM_KEY), &length) {
            result.key = SetElementKey(UnsafeRawBufferPointer(start: key, count: Int(length)))
        }
        if isSet(NFTNL_SET_ELEM_FLAGS) {
            result.isIntervalEnd = nftnl_set_elem_get_u32(element, UInt16(NFTNL_SET_ELEM_FLAGS))
                & NfTables.elementIntervalEndFlag != 0
        }
        if isSet(NFTNL_SET_ELEM_TIMEOUT) {
            result.timeoutMilliseconds = Int64(nftnl_set_elem_get_u64(element, UInt16(NFTNL_SET_ELEM_TIMEOUT)))
        }
        if isSet(NFTNL_SET_ELEM_EXPIRATION) {
            result.expirationMilliseconds = Int64(nftnl_set_elem_get_u64(element, UInt16(NFTNL_SET_ELEM_EXPIRATION)))
        }
        if isSet(NFTNL_SET_ELEM_USERDATA),
           let data = nftnl_set_elem_get(element, UInt16(NFTNL_SET_ELEM_USERDATA), &length)
        {
            result.comment = ElementComment.comment(in: Array(UnsafeRawBufferPointer(start: data, count: Int(length)))[...])
        }
        return result
    }
}
