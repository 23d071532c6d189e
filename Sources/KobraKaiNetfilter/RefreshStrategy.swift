/// How a re-ban restarts an existing element's timeout.
public enum RefreshStrategy: Hashable, Sendable {
    /// NEWSETELEM with NFTA_SET_ELEM_EXPIRATION = timeout (kernels with the element-update path).
    case expirationAttribute
    /// DESTROYSETELEM + NEWSETELEM in one transaction (Linux 6.3+).
    case destroyThenAdd
    /// DELSETELEM + NEWSETELEM in one transaction; a missing element's delete is dropped and the rest resent.
    case deleteThenAdd
}
