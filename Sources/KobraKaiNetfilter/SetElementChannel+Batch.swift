import KobraKaiFirewall

extension NetlinkSocket {
    /// Sends BEGIN + messages (each asking for an ACK) + END as one transaction.
    /// - Returns: the replies, one per message; a batch-level error is returned with the BEGIN sequence.
    func runBatch(_ messages: [BatchMessage]) throws(FirewallError) -> (replies: [KernelReply], begin: UInt32) {
        var sequence = reserveSequenceNumbers(messages.count + 2)
        let beginSequence = sequence
        var writer = NetlinkMessageWriter()
        let begin = writer.beginMessage(type: NfTables.batchBegin, flags: 0, sequence: sequence,
                                        family: NfTables.familyUnspecified, resourceID: NfTables.subsystem)
        writer.endMessage(startingAt: begin)
        for message in messages {
            sequence &+= 1
            let start = writer.beginMessage(type: NfTables.messageType(message.type),
                                            flags: message.flags | Netlink.ackFlag, sequence: sequence,
                                            family: message.family)
            message.attributes(&writer)
            writer.endMessage(startingAt: start)
        }
        sequence &+= 1
        let end = writer.beginMessage(type: NfTables.batchEnd, flags: 0, sequence: sequence,
                                      family: NfTables.familyUnspecified, resourceID: NfTables.subsystem)
        writer.endMessage(startingAt: end)
        ensureSendBuffer(for: writer.count)
        try send(writer.bytes)
        let drained = try drainReplies()
        if drained.repliesLost {
            throw FirewallError(.outcomeUnknown, "kernel replies were lost (ENOBUFS)", errno: nil)
        }
        return (drained.messages.compactMap(KernelReply.init), beginSequence)
    }
}

extension SetElementChannel {
    /// Removes every element of the given sets in one transaction.
    func flush(setNames: [String]) throws(FirewallError) {
        let messages = setNames.map { setName in
            BatchMessage(type: NfTables.delSetElement, flags: 0) { writer in
                writer.put(NfTables.elementListTable, string: self.table)
                writer.put(NfTables.elementListSet, string: setName)
            }
        }
        let (replies, begin) = try socket.runBatch(messages)
        if let failure = replies.first(where: { !$0.isAck }) {
            let index = Int(failure.sequence &- begin) - 1
            let setName = setNames.indices.contains(index) ? setNames[index] : nil
            throw KernelErrorMapper.structural(failure.errorCode, table: table, set: setName,
                                               kernelMessage: failure.kernelMessage)
        }
        if replies.count < setNames.count {
            throw FirewallError(.outcomeUnknown, "the kernel did not acknowledge the flush", errno: nil)
        }
    }
}
