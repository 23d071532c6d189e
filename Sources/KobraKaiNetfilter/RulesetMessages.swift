import CMnl
import CNftnl

/// The netlink messages that build what nft/kobrakai.nft defines: table, six sets, the prerouting chain and
/// its six rules (checked against `nft --debug=netlink -f nft/kobrakai.nft`).
///
/// Like the file, it is safe to apply again: table, sets and chain are created without NLM_F_EXCL (existing
/// ones, and their elements, are kept) and the chain is flushed before its rules are added, so rules are
/// never duplicated.
enum RulesetMessages {
    struct SetDefinition {
        var name: String
        var isIPv4: Bool
        var flags: UInt32
        var size: UInt32?
    }

    static let chain = "prerouting"

    static let sets: [SetDefinition] = [
        SetDefinition(name: KobraKaiRuleset.allowV4, isIPv4: true, flags: NfTables.setIntervalFlag),
        SetDefinition(name: KobraKaiRuleset.allowV6, isIPv4: false, flags: NfTables.setIntervalFlag),
        SetDefinition(name: KobraKaiRuleset.banV4, isIPv4: true, flags: NfTables.setTimeoutFlag | dynamicFlag,
                      size: 1_048_576),
        SetDefinition(name: KobraKaiRuleset.banV6, isIPv4: false, flags: NfTables.setTimeoutFlag | dynamicFlag,
                      size: 1_048_576),
        SetDefinition(name: KobraKaiRuleset.banNetV4, isIPv4: true,
                      flags: NfTables.setIntervalFlag | NfTables.setTimeoutFlag),
        SetDefinition(name: KobraKaiRuleset.banNetV6, isIPv4: false,
                      flags: NfTables.setIntervalFlag | NfTables.setTimeoutFlag),
    ]

    /// (set, verdict) in rule order: allowlists accept first, then the four ban sets drop.
    static let rules: [(set: SetDefinition, accept: Bool)] = sets.map { ($0, $0.name.hasPrefix("allow")) }

    private static let dynamicFlag = UInt32(NFT_SET_EVAL.rawValue)

    static func all(table: String) -> [BatchMessage] {
        var messages = [newTable(table)]
        for (index, set) in sets.enumerated() { messages.append(newSet(table, set, identifier: UInt32(index + 1))) }
        messages.append(newChain(table))
        messages.append(flushChain(table))
        for rule in rules { messages.append(newRule(table, set: rule.set, accept: rule.accept)) }
        return messages
    }

    private static func newTable(_ table: String) -> BatchMessage {
        BatchMessage(type: NfTables.newTable, flags: Netlink.createFlag) { writer in
            writer.put(NfTables.tableName, string: table)
        }
    }

    private static func newSet(_ table: String, _ set: SetDefinition, identifier: UInt32) -> BatchMessage {
        BatchMessage(type: NfTables.newSet, flags: Netlink.createFlag) { writer in
            writer.put(NfTables.setTable, string: table)
            writer.put(NfTables.setName, string: set.name)
            writer.put(NfTables.setFlags, bigEndian: set.flags)
            // nft's datatype ids (ipv4_addr = 7, ipv6_addr = 8): `nft list` prints the type from them.
            writer.put(NfTables.setKeyType, bigEndian: UInt32(set.isIPv4 ? 7 : 8))
            writer.put(NfTables.setKeyLength, bigEndian: UInt32(set.isIPv4 ? 4 : 16))
            writer.put(NfTables.setIdentifier, bigEndian: identifier)
            if let size = set.size {
                let description = writer.beginNest(UInt16(NFTA_SET_DESC.rawValue))
                writer.put(UInt16(NFTA_SET_DESC_SIZE.rawValue), bigEndian: size)
                writer.endNest(startingAt: description)
            }
        }
    }

    private static func newChain(_ table: String) -> BatchMessage {
        BatchMessage(type: UInt16(NFT_MSG_NEWCHAIN.rawValue), flags: Netlink.createFlag) { writer in
            writer.put(UInt16(NFTA_CHAIN_TABLE.rawValue), string: table)
            writer.put(UInt16(NFTA_CHAIN_NAME.rawValue), string: chain)
            let hook = writer.beginNest(UInt16(NFTA_CHAIN_HOOK.rawValue))
            writer.put(UInt16(NFTA_HOOK_HOOKNUM.rawValue), bigEndian: UInt32(NF_INET_PRE_ROUTING.rawValue))
            writer.put(UInt16(NFTA_HOOK_PRIORITY.rawValue), bigEndian: UInt32(bitPattern: -300))  // raw
            writer.endNest(startingAt: hook)
            writer.put(UInt16(NFTA_CHAIN_POLICY.rawValue), bigEndian: UInt32(NF_ACCEPT))
            writer.put(UInt16(NFTA_CHAIN_TYPE.rawValue), string: "filter")
        }
    }

    /// DELRULE naming only the chain removes every rule in it.
    private static func flushChain(_ table: String) -> BatchMessage {
        BatchMessage(type: UInt16(NFT_MSG_DELRULE.rawValue), flags: 0) { writer in
            writer.put(UInt16(NFTA_RULE_TABLE.rawValue), string: table)
            writer.put(UInt16(NFTA_RULE_CHAIN.rawValue), string: chain)
        }
    }

    /// `ip saddr @set accept|drop` (or `ip6 saddr`): meta nfproto, cmp, payload, lookup, immediate verdict.
    private static func newRule(_ table: String, set: SetDefinition, accept: Bool) -> BatchMessage {
        BatchMessage(type: UInt16(NFT_MSG_NEWRULE.rawValue), flags: Netlink.createFlag | UInt16(NLM_F_APPEND)) { writer in
            writer.put(UInt16(NFTA_RULE_TABLE.rawValue), string: table)
            writer.put(UInt16(NFTA_RULE_CHAIN.rawValue), string: chain)
            let expressions = writer.beginNest(UInt16(NFTA_RULE_EXPRESSIONS.rawValue))
            let register1 = UInt32(NFT_REG_1.rawValue)
            expression("meta", into: &writer) { writer in
                writer.put(UInt16(NFTA_META_DREG.rawValue), bigEndian: register1)
                writer.put(UInt16(NFTA_META_KEY.rawValue), bigEndian: UInt32(NFT_META_NFPROTO.rawValue))
            }
            expression("cmp", into: &writer) { writer in
                writer.put(UInt16(NFTA_CMP_SREG.rawValue), bigEndian: register1)
                writer.put(UInt16(NFTA_CMP_OP.rawValue), bigEndian: UInt32(NFT_CMP_EQ.rawValue))
                let data = writer.beginNest(UInt16(NFTA_CMP_DATA.rawValue))
                writer.put(NfTables.dataValue, bytes: [UInt8(set.isIPv4 ? NFPROTO_IPV4 : NFPROTO_IPV6)])
                writer.endNest(startingAt: data)
            }
            expression("payload", into: &writer) { writer in
                writer.put(UInt16(NFTA_PAYLOAD_DREG.rawValue), bigEndian: register1)
                writer.put(UInt16(NFTA_PAYLOAD_BASE.rawValue), bigEndian: UInt32(NFT_PAYLOAD_NETWORK_HEADER.rawValue))
                // Source address: IPv4 header offset 12 (4 bytes), IPv6 header offset 8 (16 bytes).
                writer.put(UInt16(NFTA_PAYLOAD_OFFSET.rawValue), bigEndian: UInt32(set.isIPv4 ? 12 : 8))
                writer.put(UInt16(NFTA_PAYLOAD_LEN.rawValue), bigEndian: UInt32(set.isIPv4 ? 4 : 16))
            }
            expression("lookup", into: &writer) { writer in
                writer.put(UInt16(NFTA_LOOKUP_SET.rawValue), string: set.name)
                writer.put(UInt16(NFTA_LOOKUP_SREG.rawValue), bigEndian: register1)
            }
            expression("immediate", into: &writer) { writer in
                writer.put(UInt16(NFTA_IMMEDIATE_DREG.rawValue), bigEndian: UInt32(NFT_REG_VERDICT.rawValue))
                let data = writer.beginNest(UInt16(NFTA_IMMEDIATE_DATA.rawValue))
                let verdict = writer.beginNest(UInt16(NFTA_DATA_VERDICT.rawValue))
                writer.put(UInt16(NFTA_VERDICT_CODE.rawValue), bigEndian: UInt32(accept ? NF_ACCEPT : NF_DROP))
                writer.endNest(startingAt: verdict)
                writer.endNest(startingAt: data)
            }
            writer.endNest(startingAt: expressions)
        }
    }

    private static func expression(_ name: String, into writer: inout NetlinkMessageWriter,
                                   _ data: (inout NetlinkMessageWriter) -> Void)
    {
        let element = writer.beginNest(NfTables.listElement)
        writer.put(UInt16(NFTA_EXPR_NAME.rawValue), string: name)
        let payload = writer.beginNest(UInt16(NFTA_EXPR_DATA.rawValue))
        data(&writer)
        writer.endNest(startingAt: payload)
        writer.endNest(startingAt: element)
    }
}
