import CNftnl
@testable import KobraKaiNetfilter
import Testing

@Suite("Notifications become one RulesetChange list per transaction")
struct RulesetNotificationDecoderTests {
    /// A notification datagram as the kernel multicasts it: the given messages, then NEWGEN.
    static func transaction(_ messages: [(type: UInt32, family: UInt8, attributes: [(UInt32, String)])],
                            generation: UInt32 = 42, pid: UInt32 = 4242, name: String = "nft") -> [NetlinkMessage]
    {
        var writer = NetlinkMessageWriter()
        for message in messages {
            let start = writer.beginMessage(type: NfTables.messageType(UInt16(message.type)), flags: 0, sequence: 0,
                                            family: message.family)
            for (type, value) in message.attributes { writer.put(UInt16(type), string: value) }
            writer.endMessage(startingAt: start)
        }
        let start = writer.beginMessage(type: NfTables.messageType(UInt16(NFT_MSG_NEWGEN.rawValue)), flags: 0,
                                        sequence: 0, family: NfTables.familyUnspecified)
        writer.put(UInt16(NFTA_GEN_ID.rawValue), bigEndian: generation)
        writer.put(UInt16(NFTA_GEN_PROC_PID.rawValue), bigEndian: pid)
        writer.put(UInt16(NFTA_GEN_PROC_NAME.rawValue), string: name)
        writer.endMessage(startingAt: start)
        return NetlinkMessageReader.messages(in: writer.bytes[...])
    }

    static let inet = NfTables.familyInet
    static let ip: UInt8 = 2
    static func table(_ name: String) -> [(UInt32, String)] { [(NFTA_TABLE_NAME.rawValue, name)] }
    static func set(_ table: String, _ name: String) -> [(UInt32, String)] {
        [(NFTA_SET_TABLE.rawValue, table), (NFTA_SET_NAME.rawValue, name)]
    }
    static func rule(_ table: String, _ chain: String) -> [(UInt32, String)] {
        [(NFTA_RULE_TABLE.rawValue, table), (NFTA_RULE_CHAIN.rawValue, chain)]
    }

    let origin = ChangeOrigin(processID: 4242, processName: "nft", isThisProcess: false)
    var decoder = RulesetNotificationDecoder(table: "kobrakai", isOwnThread: { $0 == 7 })

    @Test("A deleted table implies its sets and rules: one tableDeleted, then the generation")
    mutating func tableDeletion() {
        let changes = decoder.decode(Self.transaction([
            (NFT_MSG_DELRULE.rawValue, Self.inet, Self.rule("kobrakai", "prerouting")),
            (NFT_MSG_DELSET.rawValue, Self.inet, Self.set("kobrakai", "ban_v4")),
            (NFT_MSG_DELTABLE.rawValue, Self.inet, Self.table("kobrakai")),
            (NFT_MSG_NEWTABLE.rawValue, Self.inet, Self.table("kobrakai")),
        ]))
        #expect(changes == [.tableDeleted(by: origin), .generation(42, by: origin)])
    }

    @Test("Other tables, other families and element notifications are only a generation")
    mutating func othersIgnored() {
        let changes = decoder.decode(Self.transaction([
            (NFT_MSG_DELTABLE.rawValue, Self.inet, Self.table("filter")),
            (NFT_MSG_DELTABLE.rawValue, Self.ip, Self.table("kobrakai")),
            (NFT_MSG_DELSET.rawValue, Self.inet, Self.set("other", "ban_v4")),
            (NFT_MSG_DELSETELEM.rawValue, Self.inet, Self.set("kobrakai", "ban_v4")),
        ], pid: 7, name: "kobrakai"))
        #expect(changes == [.generation(42, by: ChangeOrigin(processID: 7, processName: "kobrakai", isThisProcess: true))])
    }

    @Test("Rules flushed and refilled cancel out; rules only removed are reported, sets too")
    mutating func rulesAndSets() {
        let reload = decoder.decode(Self.transaction(
            Array(repeating: (NFT_MSG_DELRULE.rawValue, Self.inet, Self.rule("kobrakai", "prerouting")), count: 6)
                + Array(repeating: (NFT_MSG_NEWRULE.rawValue, Self.inet, Self.rule("kobrakai", "prerouting")), count: 6)))
        #expect(reload == [.generation(42, by: origin)])
        let flush = decoder.decode(Self.transaction([
            (NFT_MSG_DELRULE.rawValue, Self.inet, Self.rule("kobrakai", "prerouting")),
            (NFT_MSG_DELSET.rawValue, Self.inet, Self.set("kobrakai", "ban_net_v6")),
        ], generation: 43))
        #expect(flush == [.setsDeleted(["ban_net_v6"], by: origin), .rulesRemoved(chain: "prerouting", by: origin),
                          .generation(43, by: origin)])
    }

    @Test("Changes split across datagrams are reported when NEWGEN arrives; reset() drops a partial one")
    mutating func acrossDatagrams() {
        let messages = Self.transaction([(NFT_MSG_DELTABLE.rawValue, Self.inet, Self.table("kobrakai"))])
        #expect(decoder.decode(Array(messages.prefix(1))).isEmpty)
        #expect(decoder.decode(Array(messages.suffix(1))) == [.tableDeleted(by: origin), .generation(42, by: origin)])
        #expect(decoder.decode(Array(messages.prefix(1))).isEmpty)
        decoder.reset()
        #expect(decoder.decode(Array(messages.suffix(1))) == [.generation(42, by: origin)])
    }
}
