/// Encodes and decodes element comments the way nft stores them: in NFTA_SET_ELEM_USERDATA, as a
/// type-length-value record `NFTNL_UDATA_SET_ELEM_COMMENT, length, "text\0"`, so that `nft list set`
/// prints `comment "..."` for elements we add, and we read back comments added by `nft`.
enum ElementComment {
    /// The user-data bytes for a comment, or `nil` for no comment.
    static func userData(for comment: String?) -> [UInt8]? {
        guard let comment, !comment.isEmpty else { return nil }
        let text = Array(comment.utf8) + [0]
        return [NfTables.userDataCommentTag, UInt8(text.count)] + text
    }

    /// `userData(for:).count` without building it (sizes are computed for every element of a bulk load).
    static func userDataLength(for comment: String?) -> Int? {
        guard let comment, !comment.isEmpty else { return nil }
        return comment.utf8.count + 3
    }

    /// The comment inside user data, if it holds one; other records (e.g. nft's element flags) are skipped.
    static func comment(in userData: ArraySlice<UInt8>) -> String? {
        var index = userData.startIndex
        while userData.endIndex - index >= 2 {
            let tag = userData[index]
            let length = Int(userData[index + 1])
            let valueStart = index + 2
            guard userData.endIndex - valueStart >= length else { return nil }
            if tag == NfTables.userDataCommentTag {
                let value = userData[valueStart..<(valueStart + length)]
                let end = value.firstIndex(of: 0) ?? value.endIndex
                return String(decoding: value[value.startIndex..<end], as: UTF8.self)
            }
            index = valueStart + length
        }
        return nil
    }

    /// Why a comment cannot be stored, or `nil` when it can.
    static func problem(with comment: String?) -> String? {
        guard let comment else { return nil }
        if comment.utf8.count > NfTables.commentMaximumLength {
            return "comment longer than \(NfTables.commentMaximumLength) bytes"
        }
        if comment.utf8.contains(0) { return "comment contains a NUL byte" }
        return nil
    }
}
