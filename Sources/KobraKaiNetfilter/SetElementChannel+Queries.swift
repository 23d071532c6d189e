import Glibc
import KobraKaiFirewall

extension SetElementChannel {
    /// Every element of a set, with timeouts, remaining time and comments.
    /// The corresponding netlink message is `NFT_MSG_GETSETELEM` with `NLM_F_DUMP`.
    ///
    /// A dump spans many `recv` calls, and the kernel resumes each part by skipping a count of elements. If the
    /// set changes between parts (NLM_F_DUMP_INTR), or its hash table is resized in the background after a
    /// bulk load (not flagged at all: the walk order changes), elements can be repeated or missed. Both are
    /// detected (the flag; a repeated key) and the dump is taken again after a short pause.
    func dump(setName: String) throws(FirewallError) -> [SetElement] {
        for attempt in 0..<8 {
            if attempt > 0 { usleep(useconds_t(25_000 * attempt)) }
            let (elements, interrupted) = try dumpOnce(setName: setName)
            if !interrupted && Self.keysAreUnique(elements) { return elements }
        }
        throw FirewallError(.outcomeUnknown, "set \(setName) kept changing while it was listed; retry", errno: nil)
    }

    private func dumpOnce(setName: String) throws(FirewallError) -> (elements: [SetElement], interrupted: Bool) {
        let sequence = socket.reserveSequenceNumbers(1)
        try socket.send(elementRequest(setName: setName, sequence: sequence, flags: Netlink.dumpFlag))
        var elements: [SetElement] = []
        var interrupted = false
        // Bans share a handful of reasons: consecutive equal comments share one string (a listing of 62,500
        // flood bans held a heap copy of the same 47-byte reason per element, about 5 MB).
        var previousComment: String?
        while true {
            for message in try socket.receiveBlocking() where message.sequence == sequence {
                if message.flags & Netlink.dumpInterruptedFlag != 0 { interrupted = true }
                if message.type == Netlink.doneMessage { return (elements, interrupted) }
                if let reply = KernelReply(message) {
                    if reply.isAck { continue }
                    throw KernelErrorMapper.structural(reply.errorCode, table: table, set: setName,
                                                       kernelMessage: reply.kernelMessage)
                }
                for var element in Self.decodeElements(message) {
                    if let comment = element.comment {
                        if comment == previousComment { element.comment = previousComment } else { previousComment = comment }
                    }
                    elements.append(element)
                }
            }
        }
    }

    /// A set holds each key once (an interval set: each key once as a start and once as an end).
    static func keysAreUnique(_ elements: [SetElement]) -> Bool {
        struct Identity: Hashable {
            var key: SetElementKey
            var isIntervalEnd: Bool
        }
        var seen = Set<Identity>(minimumCapacity: elements.count)
        return elements.allSatisfy { seen.insert(Identity(key: $0.key, isIntervalEnd: $0.isIntervalEnd)).inserted }
    }

    /// The element with exactly this key, or `nil`. For hash sets only (interval lookups go through `dump`).
    /// The corresponding netlink message is `NFT_MSG_GETSETELEM` without `NLM_F_DUMP`.
    func element(setName: String, key: SetElementKey) throws(FirewallError) -> SetElement? {
        let sequence = socket.reserveSequenceNumbers(1)
        var writer = NetlinkMessageWriter()
        let start = writer.beginMessage(type: NfTables.messageType(NfTables.getSetElement), flags: 0,
                                        sequence: sequence, family: NfTables.familyInet)
        writer.put(NfTables.elementListTable, string: table)
        writer.put(NfTables.elementListSet, string: setName)
        let list = writer.beginNest(NfTables.elementListElements)
        TransactionBuilder.encode(SetElement(key: key), into: &writer)
        writer.endNest(startingAt: list)
        writer.endMessage(startingAt: start)
        try socket.send(writer.bytes)
        while true {
            for message in try socket.receiveBlocking() where message.sequence == sequence {
                if let reply = KernelReply(message) {
                    if reply.errorCode == ENOENT && reply.offset.map({ $0 >= UInt32(list - start) }) == true {
                        return nil  // blamed on the element: not in the set
                    }
                    if reply.isAck { return nil }
                    throw KernelErrorMapper.structural(reply.errorCode, table: table, set: setName,
                                                       kernelMessage: reply.kernelMessage)
                }
                return Self.decodeElements(message).first
            }
        }
    }

    /// Checks that a set exists. The corresponding netlink message is `NFT_MSG_GETSET`.
    func verifySetExists(_ setName: String) throws(FirewallError) {
        let sequence = socket.reserveSequenceNumbers(1)
        var writer = NetlinkMessageWriter()
        let start = writer.beginMessage(type: NfTables.messageType(NfTables.getSet), flags: Netlink.ackFlag,
                                        sequence: sequence, family: NfTables.familyInet)
        writer.put(NfTables.setTable, string: table)
        writer.put(NfTables.setName, string: setName)
        writer.endMessage(startingAt: start)
        try socket.send(writer.bytes)
        while true {
            for message in try socket.receiveBlocking() where message.sequence == sequence {
                guard let reply = KernelReply(message) else { continue }  // the set description itself
                if reply.isAck { return }
                throw KernelErrorMapper.structural(reply.errorCode, table: table, set: setName,
                                                   kernelMessage: reply.kernelMessage)
            }
        }
    }

    private func elementRequest(setName: String, sequence: UInt32, flags: UInt16) -> [UInt8] {
        var writer = NetlinkMessageWriter()
        let start = writer.beginMessage(type: NfTables.messageType(NfTables.getSetElement), flags: flags,
                                        sequence: sequence, family: NfTables.familyInet)
        writer.put(NfTables.elementListTable, string: table)
        writer.put(NfTables.elementListSet, string: setName)
        writer.endMessage(startingAt: start)
        return writer.bytes
    }

    /// Decodes the elements of one NEWSETELEM message (a dump reply, or a message we built ourselves).
    static func decodeElements(_ message: NetlinkMessage) -> [SetElement] {
        guard message.type == NfTables.messageType(NfTables.newSetElement)
                || message.type == NfTables.messageType(NfTables.destroySetElement)
                || message.type == NfTables.messageType(NfTables.delSetElement),
              message.payload.count >= 4
        else { return [] }
        let attributes = NetlinkMessageReader.attributes(in: message.payload.dropFirst(4))
        guard let list = attributes.first(where: { $0.type == NfTables.elementListElements }) else { return [] }
        return list.nested.map(decodeElement)
    }

    static func decodeElement(_ nest: NetlinkAttribute) -> SetElement {
        var element = SetElement(key: [])
        for attribute in nest.nested {
            switch attribute.type {
            case NfTables.elementKey:
                if let value = attribute.nested.first(where: { $0.type == NfTables.dataValue }) {
                    element.key = SetElementKey(value.payload)
                }
            case NfTables.elementFlags:
                element.isIntervalEnd = (attribute.bigEndianUInt32 ?? 0) & NfTables.elementIntervalEndFlag != 0
            case NfTables.elementTimeout:
                element.timeoutMilliseconds = attribute.bigEndianUInt64.map { Int64(clamping: $0) }
            case NfTables.elementExpiration:
                element.expirationMilliseconds = attribute.bigEndianUInt64.map { Int64(clamping: $0) }
            case NfTables.elementUserData:
                element.comment = ElementComment.comment(in: attribute.payload)
            default:
                break
            }
        }
        return element
    }
}
