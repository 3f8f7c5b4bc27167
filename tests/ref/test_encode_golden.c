/*
 * test_encode_golden.c - every row of shared/golden/encoding_dev.tsv (images written by
 * DeepMir's ImageCalc.jar) redrawn from its golden `fold` column, compared byte for byte;
 * refusals must give the same ERROR text. Read in place; skipped when shared/ is absent.
 */
#include <stdint.h>
#include "mirlens.h"
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

static int check_row(char **f, int *refusals)
{
    const char *id = f[0], *seq = f[1], *fold = f[2], *img = f[4];
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
            fprintf(stderr, "%s: first difference at row %d col %d\n", id,
                    p / 3 / MRL_IMG_W, p / 3 % MRL_IMG_W);
            return 0;
        }
    return 1;
}

int main(void)
{
    const char *sh = test_shared_dir();
    if (!sh) {
        printf("test_encode_golden: SKIP (shared/golden not found; set MIRLENS_SHARED)\n");
        return test_summary("test_encode_golden");
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/golden/encoding_dev.tsv", sh);
    FILE *fp = fopen(path, "r");
    if (!fp) {
        printf("test_encode_golden: SKIP (%s not found)\n", path);
        return test_summary("test_encode_golden");
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long rows = 0, matched = 0;
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
        int ok = check_row(f, &refusals);
        CHECK(ok);
        matched += ok;
    }
    free(line);
    fclose(fp);
    CHECK_INT(rows, 290);
    CHECK_INT(refusals, 13);
    printf("test_encode_golden: %ld/%ld rows match from the golden fold (%d refusals)\n",
           matched, rows, refusals);
    return test_summary("test_encode_golden");
}
