import CMnl
import CNftnl

/// Every netlink and nf_tables constant the backend uses, normalised to the integer width it has on the wire.
///
/// C `#define`s import as `Int32`, named C enums as structs with a `UInt32` raw value and anonymous enums as
/// `Int` (nftables-netlink.md P-2). Converting them here, in one place, keeps the encoder free of casts.
enum Netlink {
    // Message header (struct nlmsghdr): host byte order.
    static let headerLength = 16
    static let requestFlag = UInt16(NLM_F_REQUEST)
    static let ackFlag = UInt16(NLM_F_ACK)
    static let createFlag = UInt16(NLM_F_CREATE)
    static let exclusiveFlag = UInt16(NLM_F_EXCL)
    static let dumpFlag = UInt16(NLM_F_DUMP)
    static let dumpInterruptedFlag = UInt16(NLM_F_DUMP_INTR)
    static let cappedFlag = UInt16(NLM_F_CAPPED)
    static let ackTLVsFlag = UInt16(NLM_F_ACK_TLVS)
    static let nestedFlag = UInt16(NLA_F_NESTED)
    /// NLA_TYPE_MASK is a `~(...)` macro Swift cannot import: the low 14 bits are the attribute type.
    static let attributeTypeMask: UInt16 = ~(UInt16(NLA_F_NESTED) | UInt16(NLA_F_NET_BYTEORDER))

    static let errorMessage = UInt16(NLMSG_ERROR)
    static let doneMessage = UInt16(NLMSG_DONE)
    static let extendedAckAttributeMessage = UInt16(NLMSGERR_ATTR_MSG.rawValue)
    static let extendedAckAttributeOffset = UInt16(NLMSGERR_ATTR_OFFS.rawValue)

    static let extendedAckOption = Int32(NETLINK_EXT_ACK)
    static let cappedAckOption = Int32(NETLINK_CAP_ACK)
}
