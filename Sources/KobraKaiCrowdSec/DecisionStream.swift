import Foundation

/// The body of `GET /v1/decisions/stream`: `{"new": [...], "deleted": [...]}`.
///
/// CrowdSec 1.4.6 serialises an empty list as `null` (a nil Go slice); both `null` and `[]` mean none.
public struct DecisionStream: Hashable, Sendable, Decodable {
    public var new: [CrowdSecDecision]
    public var deleted: [CrowdSecDecision]

    public init(new: [CrowdSecDecision] = [], deleted: [CrowdSecDecision] = []) {
        self.new = new
        self.deleted = deleted
    }

    private enum CodingKeys: String, CodingKey { case new, deleted }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        new = try container.decodeIfPresent([CrowdSecDecision].self, forKey: .new) ?? []
        deleted = try container.decodeIfPresent([CrowdSecDecision].self, forKey: .deleted) ?? []
    }

    /// Decodes a response body.
    /// - Throws: `CrowdSecError.malformedResponse` naming what was wrong.
    public static func decode(_ body: [UInt8]) throws(CrowdSecError) -> DecisionStream {
        do {
            return try JSONDecoder().decode(DecisionStream.self, from: Data(body))
        } catch {
            throw CrowdSecError(.malformedResponse, "the decision stream is not valid JSON of the expected shape: \(error)")
        }
    }
}
