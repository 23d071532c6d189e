/// Sends a message to the one parser its envelope says can have written it.
///
/// Dispatch is on the source file printed by the server (`res_pjsip/pjsip_distributor.c`, `manager.c`…),
/// never on searching the message: text that an attacker wrote cannot pick the parser.
enum MessageDispatcher {
    struct Outcome {
        var match: MessageMatch
        var dumpedPacketBytes: Int?
    }

    static func dispatch(_ envelope: LogEnvelope, context: TimeContext) -> Outcome {
        let message = envelope.message
        switch envelope.producer {
        case .kamailio, .openSIPS:
            return Outcome(match: ProxyMessage.parse(message, producer: envelope.producer))
        case .freeSWITCH:
            guard envelope.file.equals("sofia_reg.c") || envelope.file.equals("sofia.c") else {
                return Outcome(match: .noMatch)
            }
            return Outcome(match: FreeSWITCHMessage.parse(message))
        case .asterisk:
            break
        }
        let file = envelope.file
        // The first byte splits the candidates cheaply before any full comparison.
        switch file.first {
        case UInt8(ascii: "r"):
            if file.equals("res_security_log.c") {
                return Outcome(match: SecurityLogMessage.parse(message, context: context))
            }
            if file.equals("res_pjsip/pjsip_distributor.c") || file.equals("pjsip_distributor.c") {
                return Outcome(match: PJSIPDistributorMessage.parse(message))
            }
            if file.equals("res_pjsip_session.c") {
                return Outcome(match: ExtensionNotFoundMessage.parse(message, pjsip: true))
            }
            if file.equals("res_pjsip_registrar.c") { return Outcome(match: PJSIPRegistrarMessage.parse(message)) }
        case UInt8(ascii: "c"):
            if file.equals("chan_sip.c") { return Outcome(match: ChanSIPMessage.parse(message)) }
            if file.equals("chan_iax2.c") { return Outcome(match: IAX2Message.parse(message)) }
        case UInt8(ascii: "m"):
            if file.equals("manager.c") { return Outcome(match: ManagerMessage.parse(message)) }
        case UInt8(ascii: "p"):
            if file.equals("pjproject") {
                let result = PJProjectTransportMessage.parse(message)
                return Outcome(match: result.match, dumpedPacketBytes: result.dumpedPacketBytes)
            }
        case UInt8(ascii: "E"):
            if file.equals("Ext. s") { return Outcome(match: FreePBXMessage.parse(message)) }
        default:
            break
        }
        return Outcome(match: .noMatch)
    }
}
