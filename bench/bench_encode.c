/*
 * bench_encode.c - throughput of the hairpin-image encoder: drawing alone from given
 * structures (target >= 100,000 images/s per core), drawing + CHW float conversion, and
 * fold (RNAfold 2.1.3 model) + drawing. Inputs: the rows of shared/golden/encoding_dev.tsv
 * when present, otherwise synthetic stem-loops with bulges. One thread.
 *
 * Usage: bench_encode [SHARED_DIR] [SECONDS]
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "mirlens.h"

typedef struct row {
    char *seq, *fold;
    size_t n;
} row_t;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static size_t load_golden(const char *dir, row_t *rows, size_t max)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/golden/encoding_dev.tsv", dir);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return 0;
    char *line = NULL;
    size_t cap = 0, n = 0;
    while (n < max && getline(&line, &cap, fp) > 0) {
        char *seq = strchr(line, '\t');
        char *fold = seq ? strchr(seq + 1, '\t') : NULL;
        char *end = fold ? strchr(fold + 1, '\t') : NULL;
        if (!end || !strncmp(line, "id\t", 3) || fold == seq + 1)
            continue;
        *fold = *end = '\0';
        rows[n].seq = strdup(seq + 1);
        rows[n].fold = strdup(fold + 1);
        rows[n].n = strlen(seq + 1);
        n++;
    }
    free(line);
    fclose(fp);
    return n;
}

/* Stem-loops of 60-120 nt with a bulge or two, from a fixed LCG. */
static size_t make_synthetic(row_t *rows, size_t count)
{
    uint32_t s = 12345;
    for (size_t r = 0; r < count; r++) {
        size_t stem = 25 + r % 25, loop = 4 + r % 7, n = 2 * stem + loop + 2;
        char *seq = malloc(n + 1), *fold = malloc(n + 1);
        for (size_t i = 0; i < n; i++) {
            s = s * 1664525u + 1013904223u;
            seq[i] = "ACGU"[s >> 30];
        }
        memset(fold, '(', stem + 1);
        memset(fold + stem + 1, '.', loop);
        memset(fold + stem + 1 + loop, ')', stem + 1);
        fold[5] = fold[stem / 2] = '.'; /* 5' bulges */
        fold[n - 3] = '.';              /* a 3' bulge */
        seq[n] = fold[n] = '\0';
        rows[r] = (row_t){seq, fold, n};
    }
    return count;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "../shared";
    double secs = argc > 2 ? atof(argv[2]) : 1.0;
    static row_t rows[512];
    size_t n = load_golden(dir, rows, 512);
    const char *src = "golden/encoding_dev.tsv";
    if (n == 0) {
        n = make_synthetic(rows, 256);
        src = "synthetic stem-loops";
    }
    static mrl_hairpin_t h;
    static float chw[3 * MRL_IMG_H * MRL_IMG_W];
    long images = 0, sink = 0;
    double t0 = now(), t;
    do {
        for (size_t i = 0; i < n; i++) {
            int rc = mrl_encode_hairpin(rows[i].seq, rows[i].n, rows[i].fold, &h);
            sink += rc + h.rgb[1250];
        }
        images += (long)n;
    } while ((t = now() - t0) < secs);
    printf("encode (structure given): %.0f images/s (%ld images of %s, %.2f s)\n",
           (double)images / t, images, src, t);

    images = 0;
    t0 = now();
    do {
        for (size_t i = 0; i < n; i++) {
            if (mrl_encode_hairpin(rows[i].seq, rows[i].n, rows[i].fold, &h) == 0)
                mrl_encode_to_chw(h.rgb, chw);
            sink += (long)chw[7];
        }
        images += (long)n;
    } while ((t = now() - t0) < secs);
    printf("encode + CHW float tensor: %.0f images/s\n", (double)images / t);

    mrl_fold_ws_t *ws = mrl_fold_ws_new();
    const mrl_params_t *p = mrl_params_builtin("rnafold-2.1.3");
    char *fold = malloc(20001);
    size_t total_nt = 0;
    images = 0;
    t0 = now();
    for (size_t i = 0; ws && p && fold && i < n; i++) {
        int mfe;
        if (rows[i].n > 20000 || mrl_fold_mfe(ws, p, rows[i].seq, rows[i].n, fold, &mfe))
            continue;
        sink += mrl_encode_hairpin(rows[i].seq, rows[i].n, fold, &h);
        images++;
        total_nt += rows[i].n;
    }
    t = now() - t0;
    printf("fold + encode: %.0f images/s (%ld sequences, mean %.0f nt, %.2f s)\n",
           (double)images / t, images, images ? (double)total_nt / (double)images : 0.0, t);
    mrl_fold_ws_free(ws);
    free(fold);
    for (size_t i = 0; i < n; i++) {
        free(rows[i].seq);
        free(rows[i].fold);
    }
    return sink == 42 ? 1 : 0; /* keep the work observable */
}
