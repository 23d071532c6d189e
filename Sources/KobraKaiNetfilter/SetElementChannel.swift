import Glibc
import KobraKaiFirewall

/// Element operations over one netlink socket: chunked, acknowledged transactions with per-element error
/// attribution, dumps and single-element lookups. Owned by exactly one actor, like its socket.
final class SetElementChannel {
    let socket: NetlinkSocket
    let table: String
    var limits: TransactionLimits

    init(socket: NetlinkSocket, table: String, limits: TransactionLimits) {
        self.socket = socket
        self.table = table
        self.limits = limits
    }

    /// Applies every unit, in transactions that fit `limits`.
    ///
    /// The kernel aborts a whole transaction when one element fails and reports only the first bad element
    /// of each message (P-14, P-15). So on failure the blamed units are taken out (or, for a delete of a
    /// missing element, their removal is dropped) and the rest of the transaction is sent again. Each retry
    /// removes at least one unit or one removal, so the loop ends.
    /// - Parameter leading: messages that go into the first transaction, before its elements (the ruleset,
    ///   for a restore); resent with the rest when that transaction has to be retried.
    /// - Returns: the units the kernel refused, by index into `units`, with the reason.
    /// - Throws: a structural error (ruleset missing, permission), or `.outcomeUnknown` when replies were lost.
    func apply(_ units: [ElementUnit], leading: [BatchMessage] = []) throws(FirewallError) -> [Int: FirewallError] {
        var units = units
        var leading = leading
        var rejected: [Int: FirewallError] = [:]
        var pending = Array(units.indices)[...]
        while !pending.isEmpty || !leading.isEmpty {  // leading alone: a ruleset-only transaction
            let first = socket.reserveSequenceNumbers(
                TransactionBuilder.sequenceBudget(forUnits: pending.count, leading: leading.count))
            let builder = TransactionBuilder(table: table, limits: limits)
            let transaction = builder.build(units: units, candidates: pending, firstSequence: first, leading: leading)
            let replies = try send(transaction)
            let failures = replies.filter { !$0.isAck }
            if failures.isEmpty {
                let acknowledged = Set(replies.map(\.sequence))
                if transaction.messages.contains(where: { !acknowledged.contains($0.sequence) })
                    || acknowledged.filter({ transaction.leadingIndex(forSequence: $0) != nil }).count < leading.count
                {
                    throw FirewallError(.outcomeUnknown, "the kernel did not acknowledge every message of a batch; "
                                        + "list the sets to learn what was applied", errno: nil)
                }
                pending = pending.dropFirst(transaction.units.count)
                leading = []
                continue
            }
            if let failure = failures.first(where: { transaction.leadingIndex(forSequence: $0.sequence) != nil }),
               let index = transaction.leadingIndex(forSequence: failure.sequence)
            {
                throw RulesetMessages.failure(failure, atMessage: index, of: leading.count, table: table)
            }
            var progressed = false
            for failure in failures {
                guard let message = transaction.message(forSequence: failure.sequence),
                      let unitIndex = transaction.unit(forSequence: failure.sequence, offset: failure.offset)
                else {
                    let setName = transaction.message(forSequence: failure.sequence)?.setName
                    throw KernelErrorMapper.structural(failure.errorCode, table: table, set: setName,
                                                       kernelMessage: failure.kernelMessage)
                }
                let unit = units[unitIndex]
                if failure.errorCode == ENOENT && message.operation == .delete {
                    // Already gone: that is what the caller wanted. Drop the delete (or the refresh's removal).
                    if unit.operation == .delete {
                        pending.removeAll { $0 == unitIndex }
                    } else {
                        units[unitIndex].precedingRemoval = nil
                    }
                    progressed = true
                    continue
                }
                guard failure.errorCode != ENOENT, failure.errorCode != EPERM else {
                    throw KernelErrorMapper.structural(failure.errorCode, table: table, set: message.setName,
                                                       kernelMessage: failure.kernelMessage)
                }
                let target = unit.label
                let error = KernelErrorMapper.element(failure.errorCode, target: target, set: message.setName,
                                                      kernelMessage: failure.kernelMessage)
                var blamed = [unitIndex]
                if error.code == .setFull {
                    // Everything after the overflowing element of this set would overflow too: reject it at once
                    // instead of retrying once per element.
                    if let position = transaction.units.firstIndex(of: unitIndex) {
                        blamed = transaction.units[position...].filter {
                            units[$0].setName == unit.setName && units[$0].operation == .add
                        }
                    }
                }
                for index in blamed {
                    rejected[index] = index == unitIndex ? error : KernelErrorMapper.element(
                        failure.errorCode, target: units[index].label, set: message.setName)
                    pending.removeAll { $0 == index }
                }
                progressed = true
            }
            if !progressed {
                throw FirewallError(.system, "the kernel refused a batch without naming an element", errno: nil)
            }
        }
        return rejected
    }

    /// Sends a transaction and collects its replies.
    private func send(_ transaction: Transaction) throws(FirewallError) -> [KernelReply] {
        socket.ensureSendBuffer(for: transaction.bytes.count)
        try socket.send(transaction.bytes)
        let drained = try socket.drainReplies()
        let replies = drained.messages.compactMap(KernelReply.init)
        if let batchError = replies.first(where: { $0.sequence == transaction.beginSequence && !$0.isAck }) {
            throw KernelErrorMapper.structural(batchError.errorCode, table: table, set: nil,
                                               kernelMessage: batchError.kernelMessage)
        }
        if drained.repliesLost {
            throw FirewallError(.outcomeUnknown, "kernel replies were lost (ENOBUFS); list the sets to learn "
                                + "what was applied", errno: ENOBUFS)
        }
        return replies
    }
}
