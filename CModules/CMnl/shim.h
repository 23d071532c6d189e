#ifndef KOBRAKAI_CMNL_SHIM_H
#define KOBRAKAI_CMNL_SHIM_H
// glibc's socket headers first: the uapi headers pulled in by libmnl redefine in6_addr otherwise.
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <libmnl/libmnl.h>
#endif
