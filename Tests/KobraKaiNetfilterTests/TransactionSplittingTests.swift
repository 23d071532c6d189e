@testable import KobraKaiNetfilter
import Testing

@Suite("Transactions split below the netlink limits and attribute errors to elements")
struct TransactionSplittingTests {
    static func hosts(_ count: Int, set: String = "ban_v4") -> [ElementUnit] {
        (0..<count).map { index in
            let key: SetElementKey = [10, UInt8(index >> 16 & 0xFF), UInt8(index >> 8 & 0xFF), UInt8(index & 0xFF)]
            return ElementUnit(setName: set, operation: .add,
                               elements: [SetElement(key: key, timeoutMilliseconds: 3_600_000)],
                               owner: index, target: nil)
        }
    }

    /// Builds transactions until every unit is placed, as `SetElementChannel.apply` does.
    static func transactions(_ units: [ElementUnit], limits: TransactionLimits) -> [Transaction] {
        let builder = TransactionBuilder(table: "kobrakai", limits: limits)
        var pending = Array(units.indices)[...]
        var result: [Transaction] = []
        var sequence: UInt32 = 1
        while !pending.isEmpty {
            let transaction = builder.build(units: units, candidates: pending, firstSequence: sequence)
            sequence &+= UInt32(TransactionBuilder.sequenceBudget(forUnits: transaction.units.count))
            pending = pending.dropFirst(transaction.units.count)
            result.append(transaction)
        }
        return result
    }

    @Test("100 000 IPv4 elements: every list under 64 KiB, every transaction under 200 KB, nothing lost")
    func splitsAtLimits() throws {
        let units = Self.hosts(100_000)
        let limits = TransactionLimits(maximumElementListBytes: 64_000, maximumTransactionBytes: 200_000)
        let transactions = Self.transactions(units, limits: limits)
        var seenKeys = Set<[UInt8]>()
        for transaction in transactions {
            #expect(transaction.bytes.count <= limits.maximumTransactionBytes)
            for message in NetlinkMessageReader.messages(in: transaction.bytes[...])
            where message.type == NfTables.messageType(NfTables.newSetElement) {
                let attributes = NetlinkMessageReader.attributes(in: message.payload.dropFirst(4))
                let list = try #require(attributes.first { $0.type == NfTables.elementListElements })
                #expect(list.payload.count + 4 <= 64_000)
                for element in SetElementChannel.decodeElements(message) { seenKeys.insert(Array(element.key)) }
            }
        }
        #expect(seenKeys.count == 100_000)
        // 28 bytes per element: ~2285 per full list; a transaction fills 3 lists and part of a fourth.
        #expect(transactions.count >= 14 && transactions.count <= 16)
        #expect(transactions.allSatisfy { $0.messages.count <= 4 })
    }

    @Test("The default limits put one full element list in each transaction")
    func defaultOneListPerTransaction() {
        let transactions = Self.transactions(Self.hosts(10_000), limits: .standard)
        #expect(transactions.allSatisfy { $0.messages.count == 1 })
        #expect(transactions.allSatisfy { $0.bytes.count <= TransactionLimits.standard.maximumTransactionBytes })
        #expect(transactions.count == 5)  // 2285 + 2285 + 2285 + 2285 + 860
    }

    @Test("The two elements of a prefix never straddle a message boundary")
    func prefixesStayWhole() {
        let units = (0..<5000).map { index in
            ElementUnit(setName: "ban_net_v4", operation: .add, elements: [
                SetElement(key: [10, UInt8(index >> 8), UInt8(index & 0xFF), 0], timeoutMilliseconds: 1000),
                SetElement(key: [10, UInt8(index >> 8), UInt8(index & 0xFF), 128], isIntervalEnd: true),
            ], owner: index, target: nil)
        }
        let limits = TransactionLimits(maximumElementListBytes: 1000, maximumTransactionBytes: 10_000)
        for transaction in Self.transactions(units, limits: limits) {
            for message in transaction.messages {
                let perUnit = Dictionary(grouping: message.elementOffsets, by: \.unit)
                #expect(perUnit.values.allSatisfy { $0.count == 2 })
            }
        }
    }

    @Test("A kernel error offset maps to the unit whose element nest contains it")
    func offsetAttribution() throws {
        let units = Self.hosts(10)
        let transaction = TransactionBuilder(table: "kobrakai", limits: .standard)
            .build(units: units, candidates: Array(units.indices)[...], firstSequence: 50)
        let message = try #require(transaction.messages.first)
        #expect(message.sequence == 51)
        for (offset, unit) in message.elementOffsets {
            #expect(transaction.unit(forSequence: 51, offset: UInt32(offset)) == unit)
            #expect(transaction.unit(forSequence: 51, offset: UInt32(offset + 8)) == unit)  // inside the key
        }
        // Offsets of the table or set attribute (20, 32) are not an element: the error is structural.
        #expect(transaction.unit(forSequence: 51, offset: 20) == nil)
        #expect(transaction.unit(forSequence: 51, offset: UInt32?.none) == nil)
        #expect(transaction.unit(forSequence: 99, offset: 100) == nil)
        // The first element nest sits right after header (20), table (4+12), set (4+8) and list header (4).
        #expect(message.elementOffsets.first?.offset == 52)
    }

    @Test("Sets are grouped into one message each within a transaction")
    func grouping() {
        let units = Self.hosts(3) + Self.hosts(3, set: "ban_v6").map { unit in
            var copy = unit
            copy.elements[0].key = SetElementKey(Array(unit.elements[0].key) + [UInt8](repeating: 0, count: 12))
            return copy
        } + Self.hosts(2)
        let transaction = TransactionBuilder(table: "kobrakai", limits: .standard)
            .build(units: units, candidates: Array(units.indices)[...], firstSequence: 1)
        #expect(transaction.messages.map(\.setName) == ["ban_v4", "ban_v6"])
        #expect(transaction.messages.map(\.elementOffsets.count) == [5, 3])
    }
}
