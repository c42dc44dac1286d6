/* A disk whose flushes are slower than this machine's (bench/intake/run.sh
 * with QORGAU_BENCH_SYNC_DELAY_US): every fsync, fdatasync and syncfs does
 * its real work and then waits that many more microseconds, as on a disk
 * where a flush costs that much (a network volume, an SSD without
 * power-loss protection). LD_PRELOADed into the process measured, so the
 * data still reaches the disk. Build: gcc -shared -fPIC -O2 -o slow_sync.so
 * slow_sync.c -ldl */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

static long delay_ns(void) {
    const char *text = getenv("QORGAU_BENCH_SYNC_DELAY_US");
    return text ? atol(text) * 1000L : 0;
}

static void wait_delay(void) {
    long ns = delay_ns();
    if (ns <= 0) return;
    struct timespec pause = {ns / 1000000000L, ns % 1000000000L};
    while (nanosleep(&pause, &pause) != 0) {
    }
}

#define SLOWED(name)                                         \
    int name(int fd) {                                       \
        static int (*real)(int);                             \
        if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, #name); \
        int result = real(fd);                               \
        wait_delay();                                        \
        return result;                                       \
    }

SLOWED(fsync)
SLOWED(fdatasync)
SLOWED(syncfs)
