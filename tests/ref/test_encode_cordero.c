/*
 * test_encode_cordero.c - fold + draw the recovered sequences of the paper's test set
 * (modhsa_test) and of mmustar, and compare with the images published by Cordero et al.
 * 2019 (shared/data/cordero_images), aligned through cordero/index/<set>.tsv.gz. The full
 * 15-set check is bench/bench_cordero.sh. Skipped when shared/ is absent.
 */
#include <strings.h>
#include <zlib.h>
#include "mirlens.h"
#include "test.h"

static mrl_fasta_t *open_fa(const char *dir, const char *set, const char *kind)
{
    char path[4096];
    mrl_fasta_t *fa = NULL;
    snprintf(path, sizeof path, "%s/data/cordero/%s_%s.fa", dir, set, kind);
    if (mrl_fasta_open(&fa, path, NULL) != 0)
        fa = NULL;
    return fa;
}

static void check_set(const char *dir, const char *set, long want_recovered)
{
    char path[4096], line[8192], name[4096], *fold = malloc(10001);
    mrl_imageset_t *is = NULL;
    static mrl_hairpin_t h;
    snprintf(path, sizeof path, "%s/data/cordero_images/%s", dir, set);
    CHECK_INT(mrl_imageset_load(&is, path), 0);
    snprintf(path, sizeof path, "%s/data/cordero/index/%s.tsv.gz", dir, set);
    gzFile idx = gzopen(path, "rb");
    mrl_fasta_t *pos = open_fa(dir, set, "pos"), *neg = open_fa(dir, set, "neg");
    mrl_fold_ws_t *ws = mrl_fold_ws_new();
    CHECK(is && idx && ws && fold && (pos || neg));
    long recovered = 0, matched = 0;
    while (is && idx && ws && fold && gzgets(idx, line, sizeof line)) {
        long i, label, rec_ok;
        if (sscanf(line, "%ld\t%4095s\t%ld\t%*s\t%ld", &i, name, &label, &rec_ok) != 4 || !rec_ok)
            continue;
        mrl_fasta_t *fa = label ? pos : neg;
        mrl_seqrec_t r;
        if (!fa || i < 0 || (size_t)i >= is->n || mrl_fasta_read(fa, &r) != 1) {
            CHECK(!"index row without a sequence record");
            break;
        }
        recovered++;
        CHECK(strcasecmp(r.id, name) == 0);
        int mfe;
        if (mrl_fold_mfe(ws, mrl_params_builtin("rnafold-2.1.3"), r.seq, r.len, fold, &mfe) ||
            mrl_encode_hairpin(r.seq, r.len, fold, &h)) {
            fprintf(stderr, "%s %s: %s\n", set, r.id, mrl_errmsg());
            continue;
        }
        int same = memcmp(h.rgb, is->rgb + (size_t)i * MRL_IMG_BYTES, MRL_IMG_BYTES) == 0;
        if (!same)
            fprintf(stderr, "%s image %ld (%s): differs\n", set, i, r.id);
        matched += same;
    }
    CHECK_INT(recovered, want_recovered);
    CHECK_INT(matched, recovered);
    printf("test_encode_cordero: %s: %ld/%ld recovered sequences give the published image\n", set,
           matched, recovered);
    if (idx)
        gzclose(idx);
    mrl_fasta_close(pos);
    mrl_fasta_close(neg);
    mrl_fold_ws_free(ws);
    mrl_imageset_free(is);
    free(fold);
}

int main(void)
{
    const char *sh = test_shared_dir();
    char probe[4096];
    snprintf(probe, sizeof probe, "%s/data/cordero_images/modhsa_test.u8.gz", sh ? sh : ".");
    FILE *f = sh ? fopen(probe, "rb") : NULL;
    if (!f) {
        TEST_SKIP("%s not found", probe);
        return test_summary("test_encode_cordero");
    }
    fclose(f);
    check_set(sh, "modhsa_test", 836);
    check_set(sh, "mmustar", 379);
    return test_summary("test_encode_cordero");
}
