import CNftnl
import Glibc

/// Turns the nf_tables multicast notifications of one namespace into `RulesetChange`s for one table.
///
/// The kernel sends one notification per object a transaction touched (DELRULE, DELSET, DELTABLE, ... and
/// one per set element), then NEWGEN with the new generation id and the committing process. The decoder
/// collects what concerns our table until that NEWGEN, then reports the transaction as a whole: a deleted
/// table implies its sets and rules, and rules removed then re-added (a reload of nft/kobrakai.nft) cancel out.
struct RulesetNotificationDecoder {
    let table: String
    let family: UInt8
    /// Whether a kernel-reported pid is this process. The kernel reports the committing *thread's* id
    /// (`task_pid_nr(current)`) and name, so comparing with getpid() is not enough.
    let isOwnThread: @Sendable (Int32) -> Bool

    private var tableDeleted = false
    private var deletedSets: [String] = []
    /// Per chain of our table: rules deleted minus rules added in this transaction (or a deleted chain).
    private var removedRules: [String: Int] = [:]
    private var deletedChains: [String] = []

    init(table: String, family: UInt8 = NfTables.familyInet,
         isOwnThread: @escaping @Sendable (Int32) -> Bool = Self.isOwnThreadID)
    {
        self.table = table
        self.family = family
        self.isOwnThread = isOwnThread
    }

    static func isOwnThreadID(_ id: Int32) -> Bool {
        id == getpid() || access("/proc/self/task/\(id)", F_OK) == 0
    }

    /// Feeds one received datagram; returns the changes of every transaction it completed.
    mutating func decode(_ messages: [NetlinkMessage]) -> [RulesetChange] {
        var changes: [RulesetChange] = []
        for message in messages {
            guard message.type >> 8 == NfTables.subsystem, message.payload.count >= 4 else { continue }
            let kind = message.type & 0xff
            if kind == Self.newGeneration {
                changes += finishTransaction(message)
                continue
            }
            guard Self.interesting.contains(kind), message.payload[message.payload.startIndex] == family else {
                continue  // element notifications (thousands per bulk load) and other families: skip unparsed
            }
            let attributes = NetlinkMessageReader.attributes(in: message.payload.dropFirst(4))
            func string(_ type: UInt32) -> String? {
                attributes.first { $0.type == UInt16(type) }?.string
            }
            switch kind {
            case Self.deleteTable:
                if string(NFTA_TABLE_NAME.rawValue) == table { tableDeleted = true }
            case Self.deleteSet:
                if string(NFTA_SET_TABLE.rawValue) == table, let name = string(NFTA_SET_NAME.rawValue) {
                    deletedSets.append(name)
                }
            case Self.deleteChain:
                if string(NFTA_CHAIN_TABLE.rawValue) == table, let name = string(NFTA_CHAIN_NAME.rawValue) {
                    deletedChains.append(name)
                }
            case Self.deleteRule, Self.newRule:
                if string(NFTA_RULE_TABLE.rawValue) == table, let chain = string(NFTA_RULE_CHAIN.rawValue) {
                    removedRules[chain, default: 0] += kind == Self.deleteRule ? 1 : -1
                }
            default:
                break
            }
        }
        return changes
    }

    /// Notifications were lost: whatever was collected is incomplete, and the caller re-verifies anyway.
    mutating func reset() {
        self = RulesetNotificationDecoder(table: table, family: family, isOwnThread: isOwnThread)
    }

    private mutating func finishTransaction(_ message: NetlinkMessage) -> [RulesetChange] {
        var generation: UInt32 = 0
        var origin = ChangeOrigin(processID: nil, processName: nil, isThisProcess: false)
        for attribute in NetlinkMessageReader.attributes(in: message.payload.dropFirst(4)) {
            switch UInt32(attribute.type) {
            case NFTA_GEN_ID.rawValue: generation = attribute.bigEndianUInt32 ?? 0
            case NFTA_GEN_PROC_PID.rawValue: origin.processID = attribute.bigEndianUInt32.map { Int32(bitPattern: $0) }
            case NFTA_GEN_PROC_NAME.rawValue: origin.processName = attribute.string
            default: break
            }
        }
        origin.isThisProcess = origin.processID.map(isOwnThread) ?? false
        var changes: [RulesetChange] = []
        if tableDeleted {
            changes.append(.tableDeleted(by: origin))
        } else {
            if !deletedSets.isEmpty { changes.append(.setsDeleted(deletedSets, by: origin)) }
            let chains = Set(deletedChains).union(removedRules.filter { $0.value > 0 }.keys)
            for chain in chains.sorted() { changes.append(.rulesRemoved(chain: chain, by: origin)) }
        }
        changes.append(.generation(generation, by: origin))
        reset()
        return changes
    }

    private static let newGeneration = UInt16(NFT_MSG_NEWGEN.rawValue)
    private static let deleteTable = UInt16(NFT_MSG_DELTABLE.rawValue)
    private static let deleteSet = UInt16(NFT_MSG_DELSET.rawValue)
    private static let deleteChain = UInt16(NFT_MSG_DELCHAIN.rawValue)
    private static let deleteRule = UInt16(NFT_MSG_DELRULE.rawValue)
    private static let newRule = UInt16(NFT_MSG_NEWRULE.rawValue)
    private static let interesting: Set<UInt16> = [deleteTable, deleteSet, deleteChain, deleteRule, newRule]
}
