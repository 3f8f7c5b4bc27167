/*
 * fuzz_fasta_gz.c - the FASTA reader on gzip input: the fuzzer's bytes are compressed
 * (deflate level from the first byte) and read whole, then cut short (at a point chosen
 * by the second byte) and read again: a truncated member must end in an error naming the
 * input, never in a crash or a silent short read that passes for the end.
 */
#include <zlib.h>
#include "fuzz.h"

static int read_all(const char *path)
{
    mrl_fasta_t *fa = NULL;
    int rc = mrl_fasta_open(&fa, path, NULL);
    mrl_seqrec_t rec;
    while (rc == 0 && (rc = mrl_fasta_read(fa, &rec)) == 1)
        rc = 0;
    mrl_fasta_close(fa);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    int level = data[0] % 10, cut = data[1];
    data += 2, size -= 2;
    char path[256];
    fuzz_path(path, sizeof path, "in.fa.gz");
    /* a gzip member in memory: deflateInit2 with windowBits 16+15 writes the gzip wrapper */
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, level, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    size_t cap = deflateBound(&z, (uLong)size) + 64;
    unsigned char *gz = malloc(cap);
    if (!gz)
        abort();
    z.next_in = (Bytef *)data, z.avail_in = (uInt)size;
    z.next_out = gz, z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        abort();
    size_t n = cap - z.avail_out;
    deflateEnd(&z);
    fuzz_write(path, gz, n);
    int whole = read_all(path);
    size_t keep = n * (size_t)cut / 256;
    fuzz_write(path, gz, keep);
    int part = read_all(path);
    /* a member cut before its end is an error (or no input at all when nothing is left) */
    if (keep < n && keep > 0 && part >= 0 && whole >= 0 && size > 0)
        abort();
    free(gz);
    unlink(path);
    return 0;
}
