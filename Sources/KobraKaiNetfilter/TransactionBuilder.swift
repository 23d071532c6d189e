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
    /// `leading` messages (the ruleset, for a restore) go first, right after BEGIN, each asking for an ACK:
    /// the kernel then creates the table and sets and fills them in one atomic step.
    ///
    /// One pass: each unit's elements are encoded into the open element list of their (set, operation)
    /// group, a new list is started when one would pass `maximumElementListBytes`, and the transaction stops
    /// before `maximumTransactionBytes` would be passed. Messages are assembled at the end.
    func build(units: [ElementUnit], candidates: ArraySlice<Int>, firstSequence: UInt32,
               leading: [BatchMessage] = []) -> Transaction
    {
        var groups: [Group] = []
        var chosen: [Int] = []
        var total = 2 * Self.batchMessageSize + Self.encodedSize(of: leading)
        for index in candidates {
            let unit = units[index]
            let mainSize = unit.elementsSize
            let removal = unit.precedingRemoval.map { operation in
                (operation, Self.removalForm(unit.first), unit.second.map(Self.removalForm))
            }
            let removalSize = removal.map { $0.1.encodedSize + ($0.2?.encodedSize ?? 0) } ?? 0
            let removalGroup = removal.map { group(named: unit.setName, $0.0, precedesAdds: true, in: &groups) }
            let mainGroup = group(named: unit.setName, unit.operation, precedesAdds: false, in: &groups)
            var extra = 0
            if let removalGroup { extra += groups[removalGroup].cost(of: removalSize, limits: limits) }
            extra += groups[mainGroup].cost(of: mainSize, limits: limits)
            if !chosen.isEmpty && total + extra > limits.maximumTransactionBytes { break }
            total += extra
            chosen.append(index)
            if let removalGroup, let removal {
                groups[removalGroup].append(removal.1, removal.2, size: removalSize, unit: index, limits: limits)
            }
            groups[mainGroup].append(unit.first, unit.second, size: mainSize, unit: index, limits: limits)
        }
        return assemble(groups.filter { $0.precedesAdds } + groups.filter { !$0.precedesAdds }, chosen: chosen,
                        firstSequence: firstSequence, leading: leading)
    }

    private static func encodedSize(of messages: [BatchMessage]) -> Int {
        guard !messages.isEmpty else { return 0 }
        var writer = NetlinkMessageWriter()
        for message in messages { write(message, sequence: 0, into: &writer) }
        return writer.count
    }

    /// Appends one non-element message, asking for an ACK.
    static func write(_ message: BatchMessage, sequence: UInt32, into writer: inout NetlinkMessageWriter) {
        let start = writer.beginMessage(type: NfTables.messageType(message.type), flags: message.flags | Netlink.ackFlag,
                                        sequence: sequence, family: message.family)
        message.attributes(&writer)
        writer.endMessage(startingAt: start)
    }

    /// The elements of one (set, operation) pair in this transaction, split into lists that fit a message.
    private struct Group {
        var setName: String
        var operation: ElementOperation
        /// Removals that refresh elements must reach the kernel before the adds of the same transaction.
        var precedesAdds: Bool
        var overhead: Int
        /// Encoded element nests per message, with each element's offset in the list and its unit.
        var lists: [(bytes: [UInt8], offsets: [(offset: Int, unit: Int)])] = []

        /// Bytes `size` more element bytes add to the transaction (a new message when the list is full).
        func cost(of size: Int, limits: TransactionLimits) -> Int {
            if let last = lists.last, 4 + last.bytes.count + size <= limits.maximumElementListBytes { return size }
            return overhead + size
        }

        mutating func append(_ first: SetElement, _ second: SetElement?, size: Int, unit: Int,
                             limits: TransactionLimits)
        {
            if lists.isEmpty || 4 + lists[lists.count - 1].bytes.count + size > limits.maximumElementListBytes {
                var bytes: [UInt8] = []
                bytes.reserveCapacity(limits.maximumElementListBytes)
                lists.append((bytes, []))
            }
            let last = lists.count - 1
            lists[last].offsets.append((lists[last].bytes.count, unit))
            ElementEncoder.append(first, to: &lists[last].bytes)
            if let second {
                lists[last].offsets.append((lists[last].bytes.count, unit))
                ElementEncoder.append(second, to: &lists[last].bytes)
            }
        }
    }

    private func group(named setName: String, _ operation: ElementOperation, precedesAdds: Bool,
                       in groups: inout [Group]) -> Int
    {
        if let index = groups.firstIndex(where: {
            $0.operation == operation && $0.precedesAdds == precedesAdds && $0.setName == setName
        }) {
            return index
        }
        groups.append(Group(setName: setName, operation: operation, precedesAdds: precedesAdds,
                            overhead: messageOverhead(setName: setName)))
        return groups.count - 1
    }

    /// Bytes of a message before its first element: header, nfgenmsg, table and set names, list nest header.
    private func messageOverhead(setName: String) -> Int {
        20 + 4 + Self.aligned(table.utf8.count + 1) + 4 + Self.aligned(setName.utf8.count + 1) + 4
    }

    private static func aligned(_ count: Int) -> Int { (count + 3) & ~3 }

    private func assemble(_ groups: [Group], chosen: [Int], firstSequence: UInt32,
                          leading: [BatchMessage]) -> Transaction
    {
        let capacity = groups.reduce(64 + 4096 * leading.count) { $0 + $1.lists.reduce(0) { $0 + $1.bytes.count + 64 } }
        var writer = NetlinkMessageWriter(reservingCapacity: capacity)
        var sequence = firstSequence
        let begin = writer.beginMessage(type: NfTables.batchBegin, flags: 0, sequence: sequence,
                                        family: NfTables.familyUnspecified, resourceID: NfTables.subsystem)
        writer.endMessage(startingAt: begin)
        sequence &+= 1
        for message in leading {
            Self.write(message, sequence: sequence, into: &writer)
            sequence &+= 1
        }
        var messages: [Transaction.Message] = []
        for group in groups {
            for list in group.lists {
                let messageStart = writer.beginMessage(type: NfTables.messageType(group.operation.messageType),
                                                       flags: group.operation.flags, sequence: sequence,
                                                       family: family)
                writer.put(NfTables.elementListTable, string: table)
                writer.put(NfTables.elementListSet, string: group.setName)
                let listStart = writer.beginNest(NfTables.elementListElements)
                let base = writer.count - messageStart
                writer.append(raw: list.bytes)
                writer.endNest(startingAt: listStart)
                writer.endMessage(startingAt: messageStart)
                messages.append(Transaction.Message(
                    sequence: sequence, operation: group.operation, setName: group.setName,
                    elementOffsets: list.offsets.map { (base + $0.offset, $0.unit) }))
                sequence &+= 1
            }
        }
        let end = writer.beginMessage(type: NfTables.batchEnd, flags: 0, sequence: sequence,
                                      family: NfTables.familyUnspecified, resourceID: NfTables.subsystem)
        writer.endMessage(startingAt: end)
        return Transaction(bytes: writer.bytes, beginSequence: firstSequence, messages: messages, units: chosen,
                           leadingMessages: leading.count)
    }

    /// Sequence numbers a transaction built from `chosen` units can use at most (BEGIN, messages, END).
    static func sequenceBudget(forUnits count: Int, leading: Int = 0) -> Int { 2 * count + 8 + leading }

    /// A removal carries only the key and interval flag: timeouts and comments are not accepted there.
    static func removalForm(_ element: SetElement) -> SetElement {
        SetElement(key: element.key, isIntervalEnd: element.isIntervalEnd)
    }

    /// Appends one element nest through a message writer (single-element requests such as lookups).
    static func encode(_ element: SetElement, into writer: inout NetlinkMessageWriter) {
        var bytes: [UInt8] = []
        ElementEncoder.append(element, to: &bytes)
        writer.append(raw: bytes)
    }
}
