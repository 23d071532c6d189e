import KobraKaiCrowdSec
import Testing

@Suite("Decision stream JSON")
struct DecisionStreamTests {
    @Test("null, [] and missing lists all mean none", arguments: [
        #"{"deleted":null,"new":null}"#, #"{"new":[],"deleted":[]}"#, #"{}"#,
    ])
    func emptyLists(body: String) throws {
        let stream = try DecisionStream.decode(Array(body.utf8))
        #expect(stream.new.isEmpty && stream.deleted.isEmpty)
    }

    @Test("decisions as CrowdSec 1.4.6 sends them")
    func decisions() throws {
        let body = #"""
        {"deleted":[{"duration":"-16.821238ms","id":1,"origin":"cscli","scenario":"manual 'ban' from 'kkmachine'","scope":"Ip","type":"ban","value":"198.51.100.7"}],
         "new":[{"duration":"29m59.259812654s","id":2,"origin":"cscli","scenario":"manual","scope":"Range","type":"ban","value":"203.0.113.0/24","simulated":false,"uuid":"x"}]}
        """#
        let stream = try DecisionStream.decode(Array(body.utf8))
        #expect(stream.deleted == [CrowdSecDecision(
            id: 1, origin: "cscli", type: "ban", scope: "Ip", value: "198.51.100.7", duration: "-16.821238ms",
            scenario: "manual 'ban' from 'kkmachine'")])
        #expect(stream.new.map(\.value) == ["203.0.113.0/24"])
        #expect(stream.new.first?.id == 2)
    }

    @Test("a body that is not the stream is a clear error", arguments: [
        "", "<html>502 Bad Gateway</html>", #"{"new":{}}"#, #"{"new":[{"id":3}]}"#,
    ])
    func malformed(body: String) {
        #expect { try DecisionStream.decode(Array(body.utf8)) } throws: { error in
            (error as? CrowdSecError)?.code == .malformedResponse
        }
    }
}
