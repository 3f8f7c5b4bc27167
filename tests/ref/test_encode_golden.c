/*
 * test_encode_golden.c - every row of shared/golden/encoding_dev.tsv (images written by
 * DeepMir's ImageCalc.jar) redrawn from its golden `fold` column, compared byte for byte;
 * refusals must give the same ERROR text; the column map must agree with every pixel. Then
 * the same from the sequence alone: mrl_fold_mfe (RNAfold 2.1.3) + draw must reproduce the
 * fold, the mfe text and the image. Read in place; skipped when shared/ is absent.
 */
#include <stdint.h>
#include "mirlens.h"
#include "encode/encode.h"
#include "test.h"

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    return -1;
}

/* Decode 15000 lowercase hex chars; 0 on success. */
static int unhex(const char *s, size_t len, uint8_t *out)
{
    if (len != 2 * (size_t)MRL_IMG_BYTES)
        return -1;
    for (size_t i = 0; i < (size_t)MRL_IMG_BYTES; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi * 16 + lo);
    }
    return 0;
}

/* Split a line into at most max tab-separated fields (in place); returns the count. */
static int split_tabs(char *line, char **f, int max)
{
    int nf = 0;
    f[nf++] = line;
    for (char *p = line; *p && nf < max; p++)
        if (*p == '\t') {
            *p = '\0';
            f[nf++] = p + 1;
        }
    return nf;
}

/* Every pixel: white <=> maps to no base or is outside the bars; coloured => the colour of
 * the base it maps to; black and unmapped => a gap bar. */
static int map_agrees(const mrl_hairpin_t *h, const char *seq)
{
    static const uint8_t white[3] = {255, 255, 255}, black[3] = {0, 0, 0};
    for (int r = 0; r < MRL_IMG_H; r++)
        for (int c = 0; c < MRL_IMG_W; c++) {
            const uint8_t *v = h->rgb + ((size_t)r * MRL_IMG_W + (size_t)c) * 3;
            int p = mrl_encode_pixel_pos(h, r, c);
            int in_bar = r <= 12 ? r > 12 - h->top_px[c] : r <= 12 + h->bot_px[c];
            if (!in_bar && (p != -1 || memcmp(v, white, 3)))
                return 0;
            if (in_bar && p < 0 && memcmp(v, black, 3))
                return 0;
            if (p >= 0 && memcmp(v, enc_colour(seq[p]), 3))
                return 0;
        }
    return 1;
}

/* Draw seq folded as fold and compare with the golden image field. */
static int check_image(const char *id, const char *seq, const char *fold, const char *img,
                       int *refusals)
{
    size_t n = strlen(seq);
    if (strlen(fold) != n) {
        fprintf(stderr, "%s: fold and sequence lengths differ\n", id);
        return 0;
    }
    static mrl_hairpin_t h;
    int rc = mrl_encode_hairpin(seq, n, fold, &h);
    if (strncmp(img, "ERROR:", 6) == 0) {
        (*refusals)++;
        if (rc != MRL_ERR_REFUSED || strcmp(mrl_errmsg(), img + 6) != 0) {
            fprintf(stderr, "%s: expected %s, got rc %d '%s'\n", id, img, rc, mrl_errmsg());
            return 0;
        }
        return 1;
    }
    static uint8_t want[MRL_IMG_BYTES];
    if (unhex(img, strlen(img), want) != 0) {
        fprintf(stderr, "%s: bad golden image field\n", id);
        return 0;
    }
    if (rc != 0) {
        fprintf(stderr, "%s: refused: %s\n", id, mrl_errmsg());
        return 0;
    }
    for (int p = 0; p < MRL_IMG_BYTES; p++)
        if (h.rgb[p] != want[p]) {
            fprintf(stderr, "%s: first difference at row %d col %d\n", id, p / 3 / MRL_IMG_W,
                    p / 3 % MRL_IMG_W);
            return 0;
        }
    if (!map_agrees(&h, seq)) {
        fprintf(stderr, "%s: column map disagrees with the pixels\n", id);
        return 0;
    }
    return 1;
}

/* Fold the sequence (unless empty: RNAfold is never run on it), compare fold and mfe text,
 * then draw from our own fold. */
static int check_folded(mrl_fold_ws_t *ws, char **f)
{
    const char *id = f[0], *seq = f[1];
    size_t n = strlen(seq);
    int refusals = 0;
    if (n == 0)
        return check_image(id, seq, "", f[4], &refusals);
    char *st = malloc(n + 1), e[32];
    int mfe = 0;
    if (!st || mrl_fold_mfe(ws, mrl_params_builtin("rnafold-2.1.3"), seq, n, st, &mfe)) {
        fprintf(stderr, "%s: fold failed: %s\n", id, mrl_errmsg());
        free(st);
        return 0;
    }
    unsigned a = mfe < 0 ? (unsigned)-mfe : (unsigned)mfe;
    snprintf(e, sizeof e, "%s%u.%02u", mfe < 0 ? "-" : "", a / 100, a % 100);
    int ok = strcmp(st, f[2]) == 0 && strcmp(e, f[3]) == 0;
    if (!ok)
        fprintf(stderr, "%s: fold %s %s, golden %s %s\n", id, st, e, f[2], f[3]);
    ok = check_image(id, seq, st, f[4], &refusals) && ok;
    free(st);
    return ok;
}

int main(void)
{
    const char *sh = test_shared_dir();
    if (!sh) {
        TEST_SKIP("../shared/golden not found (set MIRLENS_SHARED)");
        return test_summary("test_encode_golden");
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/golden/encoding_dev.tsv", sh);
    FILE *fp = fopen(path, "r");
    if (!fp) {
        TEST_SKIP("%s not found", path);
        return test_summary("test_encode_golden");
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long rows = 0, matched = 0, folded = 0;
    mrl_fold_ws_t *ws = mrl_fold_ws_new();
    CHECK(ws != NULL);
    int refusals = 0;
    int header = 1;
    while ((len = getline(&line, &cap, fp)) > 0) {
        if (line[len - 1] == '\n')
            line[--len] = '\0';
        char *f[6];
        int nf = split_tabs(line, f, 6);
        if (header) {
            CHECK(nf == 5 && strcmp(f[0], "id") == 0 && strcmp(f[4], "image") == 0);
            header = 0;
            continue;
        }
        CHECK_INT(nf, 5);
        if (nf != 5)
            continue;
        rows++;
        int ok = check_image(f[0], f[1], f[2], f[4], &refusals);
        CHECK(ok);
        matched += ok;
        if (ws) {
            ok = check_folded(ws, f);
            CHECK(ok);
            folded += ok;
        }
    }
    free(line);
    fclose(fp);
    mrl_fold_ws_free(ws);
    CHECK_INT(rows, 290);
    CHECK_INT(refusals, 13);
    printf("test_encode_golden: %ld/%ld rows match from the golden fold (%d refusals), "
           "%ld/%ld from fold+encode of the sequence\n",
           matched, rows, refusals, folded, rows);
    return test_summary("test_encode_golden");
}
