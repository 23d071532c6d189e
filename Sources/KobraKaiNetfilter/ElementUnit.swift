import KobraKaiAddress

/// The smallest thing sent atomically: the one or two elements of one request (a host, or a prefix's start and
/// end), for one set. A failure is attributed to a unit, and the rest of its transaction is resent.
struct ElementUnit: Hashable {
    var setName: String
    var operation: ElementOperation
    var elements: [SetElement]
    /// For `.add` units: remove the same elements first, in the same transaction, so that a re-ban restarts
    /// its timeout on kernels that do not update it on re-add (§4 rule 5).
    var precedingRemoval: ElementOperation?
    /// Index of the caller's request this unit belongs to.
    var owner: Int
    /// The host or prefix, named in error messages (formatted only then: 100k descriptions cost milliseconds).
    var target: IPPrefix?

    var label: String { target?.description ?? "element" }

    var encodedSize: Int {
        let size = elements.reduce(0) { $0 + $1.encodedSize }
        return precedingRemoval == nil ? size : 2 * size
    }
}
