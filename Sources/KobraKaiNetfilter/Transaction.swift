/// One encoded batch (BATCH_BEGIN, element messages, BATCH_END) plus what is needed to attribute the
/// kernel's replies: which sequence number is which message, and at which offset each element starts.
struct Transaction {
    struct Message {
        var sequence: UInt32
        var operation: ElementOperation
        var setName: String
        /// Offset of each element nest from the start of this message, with the unit it belongs to.
        var elementOffsets: [(offset: Int, unit: Int)]
    }

    var bytes: [UInt8]
    var beginSequence: UInt32
    var messages: [Message]
    /// The units (indices into the caller's array) this transaction carries.
    var units: [Int]
    /// Non-element messages (the ruleset) between BEGIN and the first element message.
    var leadingMessages = 0

    /// The index of the leading message with this sequence number, if it is one.
    func leadingIndex(forSequence sequence: UInt32) -> Int? {
        let index = Int(sequence &- beginSequence) - 1
        return index >= 0 && index < leadingMessages ? index : nil
    }

    /// The unit whose element the kernel blamed: the element nest starting at or before `offset`.
    func unit(forSequence sequence: UInt32, offset: UInt32?) -> Int? {
        guard let message = messages.first(where: { $0.sequence == sequence }), let offset else { return nil }
        var best: Int?
        for entry in message.elementOffsets where entry.offset <= Int(offset) {
            best = entry.unit
        }
        return best
    }

    func message(forSequence sequence: UInt32) -> Message? {
        messages.first { $0.sequence == sequence }
    }
}
