/* Runs a command under an allow-list seccomp filter built like systemd's SystemCallFilter= with
   SystemCallErrorNumber=EPERM: calls not listed fail with EPERM. Usage: seccomp-run SYSCALL_LIST -- command args... */
#include <seccomp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
    if (argc < 4 || strcmp(argv[2], "--")) { fprintf(stderr, "usage\n"); return 64; }
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
    FILE *f = fopen(argv[1], "r"); char name[128]; int n = 0;
    while (fscanf(f, "%127s", name) == 1) {
        int nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR) continue;
        if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) == 0) n++;
    }
    fprintf(stderr, "seccomp-run: %d system calls allowed\n", n);
    if (seccomp_load(ctx)) { perror("seccomp_load"); return 70; }
    execv(argv[3], argv + 3); perror("execv"); return 71;
}
