/// Packs element units into transactions that respect `TransactionLimits`.
///
/// Within one transaction, units are grouped per set and operation so that thousands of elements travel in a
/// handful of messages; a unit's preceding removal (refresh by destroy + add) goes into a removal message that
/// precedes the add message for the same set, inside the same transaction, so the pair is atomic.
struct TransactionBuilder {
    var table: String
    var family: UInt8 = NfTables.familyInet
    var limits: TransactionLimits

    /// Fixed bytes of a BEGIN or END message.
    private static let batchMessageSize = 20

    /// Builds a transaction from the longest prefix of `candidates` (indices into `units`) that fits.
    /// Always takes at least one unit. `firstSequence` numbers the messages consecutively.
    func build(units: [ElementUnit], candidates: ArraySlice<Int>, firstSequence: UInt32) -> Transaction {
        // Simulate the packing `encode` does, exactly, so the transaction never exceeds the limit.
        var chosen: [Int] = []
        var total = 2 * Self.batchMessageSize
        var openListBytes: [GroupKey: Int] = [:]
        for index in candidates {
            let unit = units[index]
            var parts: [(GroupKey, Int)] = []
            if let removal = unit.precedingRemoval {
                let size = unit.elements.reduce(0) { $0 + Self.removalForm($1).encodedSize }
                parts.append((GroupKey(setName: unit.setName, operation: removal), size))
            }
            parts.append((GroupKey(setName: unit.setName, operation: unit.operation),
                          unit.elements.reduce(0) { $0 + $1.encodedSize }))
            var extra = 0
            var updated = openListBytes
            for (key, size) in parts {
                if let current = updated[key], current + size <= limits.maximumElementListBytes {
                    updated[key] = current + size
                    extra += size
                } else {
                    updated[key] = 4 + size
                    extra += messageOverhead(setName: unit.setName) + size
                }
            }
            if !chosen.isEmpty && total + extra > limits.maximumTransactionBytes { break }
            total += extra
            openListBytes = updated
            chosen.append(index)
        }
        return encode(units: units, chosen: chosen, firstSequence: firstSequence)
    }

    private struct GroupKey: Hashable {
        var setName: String
        var operation: ElementOperation
    }

    /// Bytes of a message before its first element: header, nfgenmsg, table and set names, list nest header.
    private func messageOverhead(setName: String) -> Int {
        20 + 4 + TransactionBuilder.aligned(table.utf8.count + 1) + 4 + TransactionBuilder.aligned(setName.utf8.count + 1) + 4
    }

    private static func aligned(_ count: Int) -> Int { (count + 3) & ~3 }

    private struct Group {
        var setName: String
        var operation: ElementOperation
        var entries: [(unit: Int, element: SetElement)] = []
    }

    private func encode(units: [ElementUnit], chosen: [Int], firstSequence: UInt32) -> Transaction {
        // Group per set in order of first appearance: removals first, then the operation itself.
        var groups: [Group] = []
        func append(_ setName: String, _ operation: ElementOperation, _ unit: Int, _ elements: [SetElement]) {
            if let position = groups.firstIndex(where: { $0.setName == setName && $0.operation == operation }) {
                for element in elements { groups[position].entries.append((unit, element)) }
            } else {
                var group = Group(setName: setName, operation: operation)
                for element in elements { group.entries.append((unit, element)) }
                groups.append(group)
            }
        }
        for index in chosen where units[index].precedingRemoval != nil {
            let unit = units[index]
            append(unit.setName, unit.precedingRemoval!, index, unit.elements.map(Self.removalForm))
        }
        for index in chosen {
            append(units[index].setName, units[index].operation, index, units[index].elements)
        }

        var writer = NetlinkMessageWriter(reservingCapacity: limits.maximumTransactionBytes + 4096)
        var sequence = firstSequence
        let begin = writer.beginMessage(type: NfTables.batchBegin, flags: 0, sequence: sequence,
                                        family: NfTables.familyUnspecified, resourceID: NfTables.subsystem)
        writer.endMessage(startingAt: begin)
        let beginSequence = sequence
        sequence &+= 1
        var messages: [Transaction.Message] = []
        for group in groups {
            var position = 0
            while position < group.entries.count {
                let messageStart = writer.beginMessage(type: NfTables.messageType(group.operation.messageType),
                                                       flags: group.operation.flags, sequence: sequence, family: family)
                writer.put(NfTables.elementListTable, string: table)
                writer.put(NfTables.elementListSet, string: group.setName)
                let list = writer.beginNest(NfTables.elementListElements)
                var record = Transaction.Message(sequence: sequence, operation: group.operation,
                                                 setName: group.setName, elementOffsets: [])
                while position < group.entries.count {
                    let entry = group.entries[position]
                    // Keep the two elements of one unit (prefix start and end) in the same message.
                    let unitBytes = group.entries[position...].prefix { $0.unit == entry.unit }
                        .reduce(0) { $0 + $1.element.encodedSize }
                    if !record.elementOffsets.isEmpty
                        && writer.count - list + unitBytes > limits.maximumElementListBytes { break }
                    while position < group.entries.count && group.entries[position].unit == entry.unit {
                        record.elementOffsets.append((writer.count - messageStart, entry.unit))
                        Self.encode(group.entries[position].element, into: &writer)
                        position += 1
                    }
                }
                writer.endNest(startingAt: list)
                writer.endMessage(startingAt: messageStart)
                messages.append(record)
                sequence &+= 1
            }
        }
        let end = writer.beginMessage(type: NfTables.batchEnd, flags: 0, sequence: sequence,
                                      family: NfTables.familyUnspecified, resourceID: NfTables.subsystem)
        writer.endMessage(startingAt: end)
        return Transaction(bytes: writer.bytes, beginSequence: beginSequence, messages: messages, units: chosen)
    }

    /// Sequence numbers a transaction built from `chosen` units can use at most (BEGIN, messages, END).
    static func sequenceBudget(forUnits count: Int) -> Int { 2 * count + 8 }

    /// A removal carries only the key and interval flag: timeouts and comments are not accepted there.
    static func removalForm(_ element: SetElement) -> SetElement {
        SetElement(key: element.key, isIntervalEnd: element.isIntervalEnd)
    }

    /// Every element nest has type NFTA_LIST_ELEM, as nft writes it: the kernel ignores the type, but
    /// libnftnl's parser (and so `nft monitor`/debug output) rejects any other.
    static func encode(_ element: SetElement, into writer: inout NetlinkMessageWriter) {
        let nest = writer.beginNest(NfTables.listElement)
        if element.isIntervalEnd {
            writer.put(NfTables.elementFlags, bigEndian: NfTables.elementIntervalEndFlag)
        }
        let key = writer.beginNest(NfTables.elementKey)
        writer.put(NfTables.dataValue, bytes: element.key)
        writer.endNest(startingAt: key)
        if let timeout = element.timeoutMilliseconds {
            writer.put(NfTables.elementTimeout, bigEndian: UInt64(timeout))
        }
        if let expiration = element.expirationMilliseconds {
            writer.put(NfTables.elementExpiration, bigEndian: UInt64(expiration))
        }
        if let userData = ElementComment.userData(for: element.comment) {
            writer.put(NfTables.elementUserData, bytes: userData)
        }
        writer.endNest(startingAt: nest)
    }
}
