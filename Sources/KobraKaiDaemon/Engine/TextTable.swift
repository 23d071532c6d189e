/// Interned texts (ban reasons and origins) numbered by `Int32`, so that tens of thousands of bans with
/// a handful of distinct reasons hold one copy of each instead of a heap string per ban.
///
/// Operator reasons are free text, so the table can fill with texts no ban uses any more: when it is
/// full its owner rebuilds it from the numbers still in use (`Collector`). The limit doubles when the
/// live texts alone fill half of it, so rebuilding stays amortised O(1) per insert.
struct TextTable: Sendable {
    private var texts: [String] = []
    private var numbers: [String: Int32] = [:]
    private var limit: Int

    init(limit: Int = 1024) {
        self.limit = limit
    }

    var isFull: Bool { texts.count >= limit }

    /// The number of `text`, adding it when new.
    mutating func number(of text: String) -> Int32 {
        if let number = numbers[text] { return number }
        let number = Int32(texts.count)
        texts.append(text)
        numbers[text] = number
        return number
    }

    func text(_ number: Int32) -> String { texts[Int(number)] }

    /// Builds a new table holding only the texts passed to `keep`, renumbered.
    struct Collector {
        private let old: TextTable
        private var renumbered: [Int32: Int32] = [:]
        private var fresh: TextTable

        init(_ old: TextTable) {
            self.old = old
            fresh = TextTable(limit: old.limit)
        }

        /// The new number of the old text `number`.
        mutating func keep(_ number: Int32) -> Int32 {
            if let new = renumbered[number] { return new }
            let new = fresh.number(of: old.text(number))
            renumbered[number] = new
            return new
        }

        /// The rebuilt table; its limit doubles when the live texts fill more than half of it.
        var table: TextTable {
            var result = fresh
            if result.texts.count * 2 >= result.limit { result.limit *= 2 }
            return result
        }
    }
}
