import Glibc

/// glibc's `struct mmsghdr` (declared only under _GNU_SOURCE): a `msghdr` and the `unsigned int` length the
/// kernel fills in; 64 bytes with padding on 64-bit Linux, which `MultipleMessages.entries` checks.
struct MessageEntry {
    var header: msghdr
    var length: UInt32
}
