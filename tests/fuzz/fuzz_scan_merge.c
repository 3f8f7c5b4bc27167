/*
 * fuzz_scan_merge.c - scan's reader of candidates files (mrl_scan_merge, `scan --merge`):
 * arbitrary bytes as PREFIX.candidates.tsv (gzip when they start with its magic), merged
 * into a second prefix (candidates, BED and GFF3 loci).
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char prefix[256], merged[256], in[300], p[300];
    fuzz_path(prefix, sizeof prefix, "part");
    fuzz_path(merged, sizeof merged, "merged");
    snprintf(in, sizeof in, "%s.candidates.tsv", prefix);
    fuzz_write(in, data, size);
    mrl_scan_opts_t o;
    mrl_scan_opts_default(&o);
    const char *parts[1] = {prefix};
    long loci = 0;
    if (mrl_scan_merge(parts, 1, merged, &o, &loci) == 0 && loci < 0)
        abort();
    static const char *const ext[] = {".candidates.tsv", ".bed", ".gff3"};
    for (int k = 0; k < 3; k++)
        snprintf(p, sizeof p, "%s%s", merged, ext[k]), unlink(p);
    unlink(in);
    return 0;
}
