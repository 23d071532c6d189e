/// An NLMSG_ERROR reply: an ACK when `errorCode` is 0, otherwise the kernel's errno for one message.
struct KernelReply {
    var sequence: UInt32
    /// Positive errno, or 0 for an ACK.
    var errorCode: Int32
    /// NLMSGERR_ATTR_OFFS: byte offset, from the start of the failing message, of the attribute the kernel
    /// blamed (an element nest for element errors).
    var offset: UInt32?
    /// NLMSGERR_ATTR_MSG, when the kernel explained itself.
    var kernelMessage: String?

    var isAck: Bool { errorCode == 0 }

    /// Parses an NLMSG_ERROR message; `nil` for any other message type.
    init?(_ message: NetlinkMessage) {
        guard message.type == Netlink.errorMessage, message.payload.count >= 4 + Netlink.headerLength else {
            return nil
        }
        let payload = message.payload
        let start = payload.startIndex
        let raw = Int32(bitPattern: NetlinkMessageReader.hostUInt32(payload, at: start))
        sequence = message.sequence
        errorCode = raw == Int32.min ? Int32.max : -raw
        guard message.flags & Netlink.ackTLVsFlag != 0 else { return }
        // struct nlmsgerr = error + the echoed request header, plus the echoed payload unless capped (P-17).
        var tlvStart = start + 4 + Netlink.headerLength
        if message.flags & Netlink.cappedFlag == 0 {
            let echoedLength = Int(NetlinkMessageReader.hostUInt32(payload, at: start + 4))
            tlvStart = start + 4 + ((echoedLength + 3) & ~3)
        }
        guard tlvStart <= payload.endIndex else { return }
        for attribute in NetlinkMessageReader.attributes(in: payload[tlvStart...]) {
            switch attribute.type {
            case Netlink.extendedAckAttributeOffset: offset = attribute.hostUInt32
            case Netlink.extendedAckAttributeMessage: kernelMessage = attribute.string
            default: break
            }
        }
    }
}
