#ifndef KOBRAKAI_CMNL_SHIM_H
#define KOBRAKAI_CMNL_SHIM_H
// glibc's socket headers first: the uapi headers pulled in by libmnl redefine in6_addr otherwise.
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <libmnl/libmnl.h>

// unshare() and CLONE_NEWNET are declared only under _GNU_SOURCE, which Swift's Glibc module does not set;
// the kernel tests and the benchmark use it to give one dedicated thread a private network namespace.
extern int unshare(int flags);
static inline int cmnl_unshare_network_namespace(void) { return unshare(0x40000000 /* CLONE_NEWNET */); }

#endif
