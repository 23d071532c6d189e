import CNftnl

/// nf_tables message types and attributes (uapi `linux/netfilter/nf_tables.h`).
enum NfTables {
    static let subsystem = UInt16(NFNL_SUBSYS_NFTABLES)
    static let batchBegin = UInt16(NFNL_MSG_BATCH_BEGIN)
    static let batchEnd = UInt16(NFNL_MSG_BATCH_END)
    static let familyInet = UInt8(NFPROTO_INET)
    static let familyUnspecified = UInt8(NFPROTO_UNSPEC)

    static let newTable = UInt16(NFT_MSG_NEWTABLE.rawValue)
    static let getTable = UInt16(NFT_MSG_GETTABLE.rawValue)
    static let delTable = UInt16(NFT_MSG_DELTABLE.rawValue)
    static let newSet = UInt16(NFT_MSG_NEWSET.rawValue)
    static let getSet = UInt16(NFT_MSG_GETSET.rawValue)
    static let newSetElement = UInt16(NFT_MSG_NEWSETELEM.rawValue)
    static let getSetElement = UInt16(NFT_MSG_GETSETELEM.rawValue)
    static let delSetElement = UInt16(NFT_MSG_DELSETELEM.rawValue)
    static let destroySetElement = UInt16(cnftnl_msg_destroysetelem)

    static let tableName = UInt16(NFTA_TABLE_NAME.rawValue)
    static let tableFlags = UInt16(NFTA_TABLE_FLAGS.rawValue)
    static let tableOwnerFlag = UInt32(NFT_TABLE_F_OWNER.rawValue)

    static let setTable = UInt16(NFTA_SET_TABLE.rawValue)
    static let setName = UInt16(NFTA_SET_NAME.rawValue)
    static let setFlags = UInt16(NFTA_SET_FLAGS.rawValue)
    static let setKeyType = UInt16(NFTA_SET_KEY_TYPE.rawValue)
    static let setKeyLength = UInt16(NFTA_SET_KEY_LEN.rawValue)
    static let setIdentifier = UInt16(NFTA_SET_ID.rawValue)
    static let setTimeoutFlag = UInt32(NFT_SET_TIMEOUT.rawValue)
    static let setIntervalFlag = UInt32(NFT_SET_INTERVAL.rawValue)

    static let elementListTable = UInt16(NFTA_SET_ELEM_LIST_TABLE.rawValue)
    static let elementListSet = UInt16(NFTA_SET_ELEM_LIST_SET.rawValue)
    static let elementListElements = UInt16(NFTA_SET_ELEM_LIST_ELEMENTS.rawValue)
    static let elementKey = UInt16(NFTA_SET_ELEM_KEY.rawValue)
    static let elementFlags = UInt16(NFTA_SET_ELEM_FLAGS.rawValue)
    static let elementTimeout = UInt16(NFTA_SET_ELEM_TIMEOUT.rawValue)
    static let elementExpiration = UInt16(NFTA_SET_ELEM_EXPIRATION.rawValue)
    static let elementUserData = UInt16(NFTA_SET_ELEM_USERDATA.rawValue)
    static let elementIntervalEndFlag = UInt32(NFT_SET_ELEM_INTERVAL_END.rawValue)
    static let dataValue = UInt16(NFTA_DATA_VALUE.rawValue)
    static let listElement = UInt16(NFTA_LIST_ELEM.rawValue)

    /// The type-length-value tag nft writes into element user data for `comment "..."` (libnftnl udata.h).
    static let userDataCommentTag = UInt8(NFTNL_UDATA_SET_ELEM_COMMENT.rawValue)
    /// nft refuses longer comments; so do we, so that `nft list` can always print ours.
    static let commentMaximumLength = Int(NFTNL_UDATA_COMMENT_MAXLEN) - 1

    /// `nlmsghdr.nlmsg_type` of an nf_tables message.
    static func messageType(_ message: UInt16) -> UInt16 { subsystem << 8 | message }
}
