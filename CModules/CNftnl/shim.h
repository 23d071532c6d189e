#ifndef KOBRAKAI_CNFTNL_SHIM_H
#define KOBRAKAI_CNFTNL_SHIM_H
// glibc's socket headers must come before the uapi netfilter headers, which pull in <linux/in.h>
// and clash with SwiftGlibc's in6_addr definitions otherwise.
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/common.h>
#include <libnftnl/batch.h>
#include <libnftnl/table.h>
#include <libnftnl/set.h>
#include <libnftnl/gen.h>
#include <libnftnl/udata.h>

// Debian 12 ships 6.1 uapi headers; NFT_MSG_DESTROYSETELEM (delete that ignores a missing element) arrived
// in Linux 6.3. The value is ABI and fixed.
static const unsigned short cnftnl_msg_destroysetelem = 30;

#endif
