/// What a NEWSETELEM-family message does with its elements.
enum ElementOperation: Hashable {
    /// NEWSETELEM with NLM_F_CREATE (an upsert: no EXCL).
    case add
    /// DESTROYSETELEM (kernel ≥ 6.3): delete, and a missing element is not an error.
    case destroy
    /// DELSETELEM: delete; a missing element aborts the transaction with ENOENT.
    case delete

    var messageType: UInt16 {
        switch self {
        case .add: NfTables.newSetElement
        case .destroy: NfTables.destroySetElement
        case .delete: NfTables.delSetElement
        }
    }

    var flags: UInt16 {
        switch self {
        case .add: Netlink.createFlag | Netlink.ackFlag
        case .destroy, .delete: Netlink.ackFlag
        }
    }
}
