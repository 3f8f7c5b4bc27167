/*
 * fuzz_mature.c - the mature-position table reader (mrl_mature_load, explain --mature)
 * on arbitrary bytes, then lookups: every range handed back lies inside its hairpin.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[256];
    fuzz_write(fuzz_path(path, sizeof path, "mature.tsv"), data, size);
    mrl_mature_tab_t *t = NULL;
    if (mrl_mature_load(&t, path) == 0) {
        /* look up the first word of every line (ids and accessions alike) and a miss */
        const char *s = (const char *)data, *end = s + size;
        char key[64];
        for (int k = 0; s < end && k < 32; k++) {
            size_t n = 0;
            while (s < end && *s != '\t' && *s != '\n' && n + 1 < sizeof key)
                key[n++] = *s++;
            key[n] = '\0';
            int range[4], len = 0;
            if (mrl_mature_find(t, key, range, &len) == 1)
                for (int j = 0; j < 4; j++)
                    if (range[j] < -1 || range[j] >= len)
                        abort();
            while (s < end && *s++ != '\n')
                ;
        }
        int range[4];
        (void)mrl_mature_find(t, "no-such-hairpin", range, NULL);
        mrl_mature_free(t);
    }
    unlink(path);
    return 0;
}
