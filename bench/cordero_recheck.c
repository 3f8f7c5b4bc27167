/*
 * cordero_recheck.c - fold + draw every recovered sequence of the Cordero et al. 2019 image
 * sets and compare with the published images byte for byte (reference check and
 * fold+encode throughput). Records are aligned through cordero/index/<set>.tsv.gz: its
 * recovered rows, in image order, take the next record of <set>_pos.fa (label 1) or
 * <set>_neg.fa (label 0); names are cross-checked (case-insensitive).
 *
 * Usage: cordero_recheck SHARED_DIR SET...   (exit 1 on any mismatch or error)
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zlib.h>
#include "mirlens.h"

typedef struct stats {
    long images, recovered, matched, differ, refused, name_mismatch;
} stats_t;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Open <dir>/cordero/<set>_<kind>.fa or .fa.gz; NULL (no message) when neither exists. */
static mrl_fasta_t *open_fasta(const char *dir, const char *set, const char *kind)
{
    char path[4096];
    mrl_fasta_opts_t o;
    mrl_fasta_opts_default(&o);
    o.max_length = 0;
    mrl_fasta_t *fa;
    snprintf(path, sizeof path, "%s/data/cordero/%s_%s.fa", dir, set, kind);
    if (mrl_fasta_open(&fa, path, &o) == 0)
        return fa;
    snprintf(path, sizeof path, "%s/data/cordero/%s_%s.fa.gz", dir, set, kind);
    if (mrl_fasta_open(&fa, path, &o) == 0)
        return fa;
    return NULL;
}

/* Fold + draw rec and compare with image idx of the set. */
static void check_one(const mrl_seqrec_t *rec, const mrl_imageset_t *is, long idx,
                      mrl_fold_ws_t *ws, stats_t *st)
{
    static mrl_hairpin_t h;
    static char *fold;
    static size_t cap;
    if (rec->len + 1 > cap) {
        free(fold);
        cap = rec->len + 1;
        fold = malloc(cap);
    }
    int mfe;
    if (!fold ||
        mrl_fold_mfe(ws, mrl_params_builtin("rnafold-2.1.3"), rec->seq, rec->len, fold, &mfe)) {
        fprintf(stderr, "fold failed for %s: %s\n", rec->id, mrl_errmsg());
        st->differ++;
        return;
    }
    if (mrl_encode_hairpin(rec->seq, rec->len, fold, &h) != 0) {
        st->refused++;
        return;
    }
    if (memcmp(h.rgb, is->rgb + (size_t)idx * MRL_IMG_BYTES, MRL_IMG_BYTES) == 0)
        st->matched++;
    else
        st->differ++;
}

static int check_set(const char *dir, const char *set, mrl_fold_ws_t *ws, stats_t *st)
{
    char path[4096];
    mrl_imageset_t *is;
    snprintf(path, sizeof path, "%s/data/cordero_images/%s", dir, set);
    if (mrl_imageset_load(&is, path)) {
        fprintf(stderr, "%s: %s\n", set, mrl_errmsg());
        return -1;
    }
    st->images = (long)is->n;
    snprintf(path, sizeof path, "%s/data/cordero/index/%s.tsv.gz", dir, set);
    gzFile idx = gzopen(path, "rb");
    mrl_fasta_t *pos = open_fasta(dir, set, "pos"), *neg = open_fasta(dir, set, "neg");
    int rc = idx ? 0 : -1;
    char line[8192];
    while (rc == 0 && gzgets(idx, line, sizeof line)) {
        long i, label, recovered;
        char name[4096];
        if (line[0] == '#' ||
            sscanf(line, "%ld\t%4095s\t%ld\t%*s\t%ld", &i, name, &label, &recovered) != 4)
            continue;
        if (!recovered)
            continue;
        mrl_fasta_t *fa = label ? pos : neg;
        mrl_seqrec_t rec;
        if (!fa || i < 0 || (size_t)i >= is->n || mrl_fasta_read(fa, &rec) != 1) {
            fprintf(stderr, "%s: index row %ld has no sequence record\n", set, i);
            rc = -1;
            break;
        }
        st->recovered++;
        if (strcasecmp(rec.id, name) != 0)
            st->name_mismatch++;
        check_one(&rec, is, i, ws, st);
    }
    if (!idx)
        fprintf(stderr, "%s: cannot open %s\n", set, path);
    else
        gzclose(idx);
    mrl_fasta_close(pos);
    mrl_fasta_close(neg);
    mrl_imageset_free(is);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: cordero_recheck SHARED_DIR SET...\n");
        return 2;
    }
    mrl_fold_ws_t *ws = mrl_fold_ws_new();
    if (!ws)
        return 1;
    int bad = 0;
    stats_t tot = {0};
    double t0 = now();
    printf("set\timages\trecovered\tmatched\tdiffer\trefused\tname_mismatch\n");
    for (int a = 2; a < argc; a++) {
        stats_t st = {0};
        if (check_set(argv[1], argv[a], ws, &st))
            bad = 1;
        printf("%s\t%ld\t%ld\t%ld\t%ld\t%ld\t%ld\n", argv[a], st.images, st.recovered, st.matched,
               st.differ, st.refused, st.name_mismatch);
        fflush(stdout);
        bad |= st.differ || st.refused || st.name_mismatch || st.matched != st.recovered;
        tot.images += st.images;
        tot.recovered += st.recovered;
        tot.matched += st.matched;
        tot.differ += st.differ;
    }
    double t = now() - t0;
    fprintf(stderr,
            "cordero_recheck: %ld/%ld recovered sequences re-encode to the published "
            "image (%ld images in all); fold+encode %.0f seq/s on one core\n",
            tot.matched, tot.recovered, tot.images, (double)tot.recovered / (t > 0 ? t : 1));
    mrl_fold_ws_free(ws);
    return bad;
}
