/*
 * fuzz.h - what the libFuzzer harnesses of tests/fuzz share: the readers of mirlens take
 * paths, so each input is written to a scratch file of this process (in /dev/shm when
 * there is one) and read back through the public API, exactly as the CLI reads it.
 */
#ifndef MRL_FUZZ_H
#define MRL_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "mirlens.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Path of scratch file `name` of this process (a static buffer per call site's slot). */
static inline const char *fuzz_path(char *buf, size_t cap, const char *name)
{
    static const char *dir;
    if (!dir)
        dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(buf, cap, "%s/mrl_fuzz_%ld_%s", dir, (long)getpid(), name);
    return buf;
}

/* Write n bytes to path (replacing it); aborts on failure (a broken harness, not a bug). */
static inline void fuzz_write(const char *path, const void *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    if (!fp || (n && fwrite(data, 1, n, fp) != n) || fclose(fp) != 0) {
        perror(path);
        abort();
    }
}

#endif
