@testable import KobraKaiNetfilter
import Testing

@Suite("Element messages parse back identically (libnftnl and our decoder)")
struct EncodingRoundTripTests {
    static func unit(_ elements: [SetElement], set: String = "ban_v4", operation: ElementOperation = .add,
                     removal: ElementOperation? = nil, owner: Int = 0) -> ElementUnit
    {
        ElementUnit(setName: set, operation: operation, elements: elements, precedingRemoval: removal,
                    owner: owner, target: nil)
    }

    /// The element messages (between BEGIN and END) of a transaction, as byte arrays.
    static func elementMessages(_ transaction: Transaction) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var offset = 0
        let bytes = transaction.bytes
        while offset < bytes.count {
            let length = Int(NetlinkMessageReader.hostUInt32(bytes[...], at: offset))
            let type = NetlinkMessageReader.hostUInt16(bytes[...], at: offset + 4)
            if type != NfTables.batchBegin && type != NfTables.batchEnd {
                result.append(Array(bytes[offset..<(offset + length)]))
            }
            offset += (length + 3) & ~3
        }
        return result
    }

    @Test("Keys, timeouts, expirations, interval flags and comments survive encoding")
    func roundTrip() throws {
        let elements = [
            SetElement(key: [192, 0, 2, 1], timeoutMilliseconds: 3_600_000, expirationMilliseconds: 3_600_000,
                       comment: "sip brute force"),
            SetElement(key: [198, 51, 100, 0], timeoutMilliseconds: 60_000),
            SetElement(key: [198, 51, 101, 0], isIntervalEnd: true),
            SetElement(key: SetElementKey([0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [7]),
                       timeoutMilliseconds: 1),
        ]
        let builder = TransactionBuilder(table: "kobrakai", limits: .standard)
        let units = [Self.unit([elements[0]]), Self.unit([elements[1], elements[2]], owner: 1),
                     Self.unit([elements[3]], owner: 2)]
        let transaction = builder.build(units: units, candidates: Array(units.indices)[...], firstSequence: 100)
        let messages = Self.elementMessages(transaction)
        try #require(messages.count == 1)
        let parsed = try #require(LibnftnlElementParser.parse(messageBytes: messages[0]))
        #expect(parsed.setName == "ban_v4")
        #expect(parsed.elements == elements)
        let decoded = SetElementChannel.decodeElements(
            NetlinkMessageReader.messages(in: messages[0][...])[0])
        #expect(decoded == elements)
        // The header: NEWSETELEM of nf_tables, create + ack + request, inet family.
        let header = NetlinkMessageReader.messages(in: messages[0][...])[0]
        #expect(header.type == 10 << 8 | 12)
        #expect(header.flags == Netlink.requestFlag | Netlink.createFlag | Netlink.ackFlag)
        #expect(header.payload.first == NfTables.familyInet)
        #expect(header.sequence == 101)
    }

    @Test("A BEGIN/END pair frames every transaction, addressed to the nf_tables subsystem")
    func batchFraming() {
        let builder = TransactionBuilder(table: "kobrakai", limits: .standard)
        let units = [Self.unit([SetElement(key: [192, 0, 2, 1], timeoutMilliseconds: 1000)])]
        let transaction = builder.build(units: units, candidates: [0], firstSequence: 7)
        let messages = NetlinkMessageReader.messages(in: transaction.bytes[...])
        #expect(messages.map(\.type) == [NfTables.batchBegin, NfTables.messageType(NfTables.newSetElement),
                                         NfTables.batchEnd])
        #expect(messages.map(\.sequence) == [7, 8, 9])
        // res_id = htons(NFNL_SUBSYS_NFTABLES) in the BEGIN message's nfgenmsg.
        #expect(Array(messages[0].payload.dropFirst(2).prefix(2)) == [0, 10])
        #expect(transaction.beginSequence == 7)
    }

    @Test("Refresh by removal puts a DESTROY message for the same keys before the add, in one transaction")
    func destroyBeforeAdd() throws {
        let builder = TransactionBuilder(table: "kobrakai", limits: .standard)
        let element = SetElement(key: [192, 0, 2, 1], timeoutMilliseconds: 5000, comment: "c")
        let units = [Self.unit([element], removal: .destroy)]
        let transaction = builder.build(units: units, candidates: [0], firstSequence: 1)
        let messages = Self.elementMessages(transaction).map { NetlinkMessageReader.messages(in: $0[...])[0] }
        #expect(messages.map(\.type) == [NfTables.messageType(30), NfTables.messageType(NfTables.newSetElement)])
        // The removal carries only the key: no timeout, no comment.
        #expect(SetElementChannel.decodeElements(messages[0]) == [SetElement(key: [192, 0, 2, 1])])
        #expect(SetElementChannel.decodeElements(messages[1]) == [element])
    }

    @Test("Comments are nft's user-data TLV with a trailing NUL")
    func commentEncoding() {
        #expect(ElementComment.userData(for: "ab") == [0, 3, 0x61, 0x62, 0])
        #expect(ElementComment.userData(for: nil) == nil)
        #expect(ElementComment.userData(for: "") == nil)
        #expect(ElementComment.comment(in: [1, 1, 9, 0, 3, 0x61, 0x62, 0]) == "ab")
        #expect(ElementComment.comment(in: [0, 9, 0x61]) == nil)
        #expect(ElementComment.problem(with: String(repeating: "x", count: 127)) == nil)
        #expect(ElementComment.problem(with: String(repeating: "x", count: 128)) != nil)
    }
}
