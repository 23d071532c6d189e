import Glibc
@testable import KobraKaiNetfilter
import KobraKaiFirewall
import Testing

@Suite("errno and kernel replies become FirewallErrors")
struct ErrorMappingTests {
    @Test("Structural errnos", arguments: [
        (ENOENT, FirewallError.Code.rulesetMissing), (EPERM, .permissionDenied), (EACCES, .permissionDenied),
        (EOPNOTSUPP, .unsupportedByKernel), (ENOBUFS, .outcomeUnknown), (ERESTART, .outcomeUnknown),
        (EMSGSIZE, .system), (EIO, .system),
    ])
    func structural(code: Int32, expected: FirewallError.Code) {
        let error = KernelErrorMapper.structural(code, table: "kobrakai", set: "ban_v4")
        #expect(error.code == expected)
        #expect(error.errno == code)
    }

    @Test("Element errnos", arguments: [
        (EEXIST, FirewallError.Code.overlap), (ENFILE, .setFull), (EINVAL, .invalidElement),
        (ERANGE, .invalidElement), (EOPNOTSUPP, .unsupportedByKernel), (ENOENT, .rulesetMissing),
    ])
    func element(code: Int32, expected: FirewallError.Code) {
        #expect(KernelErrorMapper.element(code, target: "192.0.2.0/24", set: "ban_net_v4").code == expected)
    }

    @Test("Messages tell the operator what to do")
    func actionableMessages() {
        #expect(KernelErrorMapper.structural(ENOENT, table: "kobrakai", set: "ban_v4").message
            .contains("nft -f /etc/nftables.d/kobrakai.nft"))
        #expect(KernelErrorMapper.structural(EPERM, table: "kobrakai", set: nil).message.contains("CAP_NET_ADMIN"))
        #expect(KernelErrorMapper.element(EEXIST, target: "10.0.0.0/9", set: "ban_net_v4").message
            .contains("10.0.0.0/9 overlaps"))
    }

    @Test("An extended ACK yields errno, sequence, offset and message")
    func extendedAckParsing() throws {
        var writer = NetlinkMessageWriter()
        let start = writer.beginMessage(type: Netlink.errorMessage, flags: Netlink.cappedFlag | Netlink.ackTLVsFlag,
                                        sequence: 42, family: 0)
        // beginMessage wrote a 4-byte nfgenmsg; an nlmsgerr starts with the errno in its place.
        var bytes = writer.bytes
        bytes.replaceSubrange((start + 16)..<(start + 20), with: withUnsafeBytes(of: Int32(-EEXIST)) { Array($0) })
        var tail = NetlinkMessageWriter()
        let echoed = tail.beginMessage(type: NfTables.messageType(NfTables.newSetElement), flags: 0, sequence: 42,
                                       family: 1)
        tail.endMessage(startingAt: echoed)
        var attributes = Array(tail.bytes.prefix(16))  // capped: only the request header is echoed
        var tlv = NetlinkMessageWriter()
        tlv.put(Netlink.extendedAckAttributeMessage, string: "overlap")
        tlv.put(Netlink.extendedAckAttributeOffset, bytes: withUnsafeBytes(of: UInt32(100)) { Array($0) })
        attributes += tlv.bytes
        bytes += attributes
        let length = UInt32(bytes.count)
        bytes.replaceSubrange(0..<4, with: withUnsafeBytes(of: length) { Array($0) })
        let message = try #require(NetlinkMessageReader.messages(in: bytes[...]).first)
        let reply = try #require(KernelReply(message))
        #expect(reply.sequence == 42)
        #expect(reply.errorCode == EEXIST)
        #expect(reply.offset == 100)
        #expect(reply.kernelMessage == "overlap")
        #expect(!reply.isAck)
    }
}
