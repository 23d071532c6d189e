import KobraKaiAddress

/// The smallest thing sent atomically: the one or two elements of one request (a host, or a prefix's start and
/// end), for one set. A failure is attributed to a unit, and the rest of its transaction is resent.
///
/// The elements are stored inline (`first`, `second`), not in an array: a 100 000-ban load builds 100 000
/// units, and an array each would be 100 000 heap allocations on the hot path.
struct ElementUnit: Hashable {
    var setName: String
    var operation: ElementOperation
    var first: SetElement
    /// The interval end of a prefix, when there is one.
    var second: SetElement?
    /// For `.add` units: remove the same elements first, in the same transaction, so that a re-ban restarts
    /// its timeout on kernels that do not update it on re-add (§4 rule 5).
    var precedingRemoval: ElementOperation?
    /// Index of the caller's request this unit belongs to.
    var owner: Int
    /// The host or prefix, named in error messages (formatted only then: 100k descriptions cost milliseconds).
    var target: IPPrefix?

    init(setName: String, operation: ElementOperation, first: SetElement, second: SetElement? = nil,
         precedingRemoval: ElementOperation? = nil, owner: Int, target: IPPrefix?)
    {
        self.setName = setName
        self.operation = operation
        self.first = first
        self.second = second
        self.precedingRemoval = precedingRemoval
        self.owner = owner
        self.target = target
    }

    init(setName: String, operation: ElementOperation, elements: [SetElement],
         precedingRemoval: ElementOperation? = nil, owner: Int, target: IPPrefix?)
    {
        precondition((1...2).contains(elements.count), "a unit is one host or one prefix (start and end)")
        self.setName = setName
        self.operation = operation
        first = elements[0]
        second = elements.count > 1 ? elements[1] : nil
        self.precedingRemoval = precedingRemoval
        self.owner = owner
        self.target = target
    }

    var elements: [SetElement] {
        get { second.map { [first, $0] } ?? [first] }
        set {
            precondition((1...2).contains(newValue.count), "a unit is one host or one prefix (start and end)")
            first = newValue[0]
            second = newValue.count > 1 ? newValue[1] : nil
        }
    }

    var label: String { target?.description ?? "element" }

    /// Bytes of this unit's elements (not counting a preceding removal).
    var elementsSize: Int { first.encodedSize + (second?.encodedSize ?? 0) }
}
