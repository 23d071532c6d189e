/* Runs a command with the kernel's memory-deny-write-execute policy (PR_SET_MDWE, Linux 6.3+), the
   same rule systemd's MemoryDenyWriteExecute= enforces with seccomp: no mapping may become writable and
   executable. Used by scripts/check-sandbox.sh to show the Swift runtime lives with it. */
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>
#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#endif
#ifndef PR_MDWE_REFUSE_EXEC_GAIN
#define PR_MDWE_REFUSE_EXEC_GAIN 1
#endif
int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: mdwe-run command [args...]\n"); return 64; }
    if (prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0) { perror("prctl(PR_SET_MDWE)"); return 69; }
    execv(argv[1], argv + 1);
    perror("execv");
    return 71;
}
