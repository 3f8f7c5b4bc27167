/*
 * fuzz_scan_region.c - scan's --region parser and its genome reader: the first line of
 * the input is the region string ("NAME", "NAME:START-END", anything), the rest a FASTA
 * genome, scanned for candidates without scoring (no_score, as `scan --no-score`) in
 * small blocks, shard, strand, the repeat filter (on or off) and masking from the first
 * byte. The candidates file written is then
 * merged back (mrl_scan_merge reads it: the candidates-file reader).
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    unsigned flags = data[0];
    data++, size--;
    const uint8_t *nl = memchr(data, '\n', size);
    size_t rl = nl ? (size_t)(nl - data) : size;
    char *region = malloc(rl + 1);
    if (!region)
        abort();
    memcpy(region, data, rl);
    region[rl] = '\0';
    char fa[256], prefix[256], merged[256];
    fuzz_write(fuzz_path(fa, sizeof fa, "genome.fa"), nl ? nl + 1 : data + size,
               nl ? size - rl - 1 : 0);
    fuzz_path(prefix, sizeof prefix, "scan");
    fuzz_path(merged, sizeof merged, "merged");
    mrl_scan_opts_t o;
    mrl_scan_opts_default(&o);
    o.no_score = 1;
    o.region = strlen(region) == rl && rl ? region : NULL; /* a NUL inside: no region */
    o.block = 64 + (int)(flags & 7) * 50;
    o.strand = (int)((flags >> 3) % 3) - 1;
    o.nshards = 1 + (int)((flags >> 5) & 1);
    o.shard = o.nshards;
    o.max_span = 40;
    o.flank = 5;
    o.min_stem = 10;
    if (flags & 64)
        o.max_repeat = 1.0f; /* off; on (the default) counts the input's 16-mers */
    o.skip_masked = (flags >> 7) & 1;
    mrl_scan_stats_t st;
    if (mrl_scan_genome(NULL, fa, prefix, &o, &st) == 0) {
        const char *parts[1] = {prefix};
        long loci;
        if (o.nshards == 1 && mrl_scan_merge(parts, 1, merged, &o, &loci) != 0)
            abort(); /* an unsharded run's own output always merges */
    }
    static const char *const ext[] = {".candidates.tsv", ".bed", ".gff3"};
    char p[300];
    for (int k = 0; k < 3; k++) {
        snprintf(p, sizeof p, "%s%s", prefix, ext[k]), unlink(p);
        snprintf(p, sizeof p, "%s%s", merged, ext[k]), unlink(p);
    }
    unlink(fa);
    free(region);
    return 0;
}
