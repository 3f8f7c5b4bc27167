/*
 * fuzz_fasta.c - the FASTA reader on arbitrary bytes (a file that starts with the gzip
 * magic goes through zlib): whole records (mrl_fasta_read, with a small --max-length) and
 * pieces (mrl_fasta_read_part, as scan reads genomes). Every record handed out must be
 * letters only and as long as it says.
 */
#include <ctype.h>
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[256];
    fuzz_write(fuzz_path(path, sizeof path, "in.fa"), data, size);
    mrl_fasta_opts_t o;
    mrl_fasta_opts_default(&o);
    o.max_length = 500;
    mrl_fasta_t *fa = NULL;
    if (mrl_fasta_open(&fa, path, &o) == 0) {
        mrl_seqrec_t rec;
        while (mrl_fasta_read(fa, &rec) == 1) {
            if (strlen(rec.seq) != rec.len || rec.len == 0 || rec.len > 500 || !rec.id)
                abort();
            for (size_t i = 0; i < rec.len; i++)
                if (!isalpha((unsigned char)rec.seq[i]))
                    abort();
            uint64_t done, total;
            mrl_fasta_position(fa, &done, &total);
        }
        mrl_fasta_close(fa);
    }
    if (mrl_fasta_open(&fa, path, NULL) == 0) {
        mrl_seqpart_t p;
        while (mrl_fasta_read_part(fa, &p, 7) == 1)
            if (p.len > 7 || strlen(p.seq) != p.len)
                abort();
        mrl_fasta_close(fa);
    }
    unlink(path);
    return 0;
}
