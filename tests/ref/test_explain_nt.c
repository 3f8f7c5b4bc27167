/*
 * test_explain_nt.c - the pixel -> nucleotide map against the golden images of the
 * original drawing program (../shared/golden/encoding_dev.tsv, ImageCalc.jar): for every
 * image, each drawn pixel lies in the bar the column map assigns to one nucleotide and has
 * that nucleotide's colour (docs/hairpin-image.md sec. 2), and an attribution of 1 placed
 * on exactly one nucleotide's pixels comes back by mrl_explain_nucleotides on exactly that
 * nucleotide, with its pixel count.
 */
#include "mirlens.h"
#include "test.h"

static void colour_of(char b, unsigned char rgb[3])
{
    switch (b) {
    case 'A':
    case 'a':
        rgb[0] = 255, rgb[1] = 255, rgb[2] = 0;
        break;
    case 'C':
    case 'c':
        rgb[0] = 0, rgb[1] = 0, rgb[2] = 255;
        break;
    case 'G':
    case 'g':
        rgb[0] = 255, rgb[1] = 0, rgb[2] = 0;
        break;
    case 'U':
    case 'u':
    case 'T':
    case 't':
        rgb[0] = 0, rgb[1] = 255, rgb[2] = 0;
        break;
    default:
        rgb[0] = rgb[1] = rgb[2] = 0;
        break;
    }
}

static int hexval(int c)
{
    return c <= '9' ? c - '0' : c - 'a' + 10;
}

/* Nucleotide (or -1 = gap, -2 = nothing drawn) of pixel (r, c) by the spec: the top bar
 * spans rows 13 - top_px .. 12, the bottom bar 13 .. 12 + bot_px. */
static int spec_owner(const mrl_hairpin_t *h, int r, int c)
{
    if (c >= h->used)
        return -2;
    if (r <= 12)
        return r >= 13 - h->top_px[c] ? h->pos5[c] : -2;
    return r <= 12 + h->bot_px[c] ? h->pos3[c] : -2;
}

static void check_row(const char *seq, const char *fold, const char *hex, int *bad_px, int *bad_nt,
                      long *nts)
{
    size_t n = strlen(seq);
    mrl_hairpin_t hp;
    if (mrl_encode_hairpin(seq, n, fold, &hp) != 0) {
        (*bad_px)++;
        return;
    }
    float *map = calloc(MRL_IMG_H * MRL_IMG_W, sizeof(float)), *attr = malloc(n * sizeof(float));
    int *npx = malloc(n * sizeof(int)), *own = malloc(MRL_IMG_H * MRL_IMG_W * sizeof(int));
    for (int r = 0; r < MRL_IMG_H; r++)
        for (int c = 0; c < MRL_IMG_W; c++) {
            const char *h = hex + 6 * (r * MRL_IMG_W + c);
            unsigned char got[3], want[3] = {255, 255, 255};
            for (int k = 0; k < 3; k++)
                got[k] = (unsigned char)(16 * hexval(h[2 * k]) + hexval(h[2 * k + 1]));
            int o = spec_owner(&hp, r, c);
            own[r * MRL_IMG_W + c] = o;
            if (o == -1)
                want[0] = want[1] = want[2] = 0;
            else if (o >= 0)
                colour_of(seq[o], want);
            if (memcmp(got, want, 3) != 0)
                (*bad_px)++;
        }
    for (size_t q = 0; q < n; q++) {
        int cnt = 0;
        for (int p = 0; p < MRL_IMG_H * MRL_IMG_W; p++) {
            map[p] = own[p] == (int)q ? 1.0f : 0.0f;
            cnt += own[p] == (int)q;
        }
        mrl_explain_nucleotides(&hp, map, n, attr, npx);
        int ok = npx[q] == cnt && attr[q] == (float)cnt;
        for (size_t p = 0; p < n; p++)
            ok &= p == q || attr[p] == 0;
        *bad_nt += !ok;
        *nts += cnt > 0;
    }
    free(map), free(attr), free(npx), free(own);
}

int main(void)
{
    const char *dir = test_shared_dir();
    char path[4096];
    FILE *f = NULL;
    if (dir) {
        snprintf(path, sizeof path, "%s/golden/encoding_dev.tsv", dir);
        f = fopen(path, "r");
    }
    if (!f) {
        TEST_SKIP("../shared/golden/encoding_dev.tsv not found (set MIRLENS_SHARED)");
        return test_summary("test_explain_nt");
    }
    char *line = NULL;
    size_t cap = 0;
    int rows = 0, bad_px = 0, bad_nt = 0;
    long nts = 0;
    while (getline(&line, &cap, f) > 0) {
        char *id = strtok(line, "\t"), *seq = strtok(NULL, "\t"), *fold = strtok(NULL, "\t");
        char *mfe = strtok(NULL, "\t"), *img = strtok(NULL, "\t\r\n");
        if (!id || !seq || !fold || !mfe || !img || strlen(img) != 3 * 2 * 2500)
            continue; /* the header, refusals ("ERROR:...", empty sequences) */
        check_row(seq, fold, img, &bad_px, &bad_nt, &nts);
        rows++;
    }
    free(line);
    fclose(f);
    printf("test_explain_nt: %d golden images, %ld drawn nucleotides\n", rows, nts);
    CHECK(rows >= 250);
    CHECK_INT(bad_px, 0);
    CHECK_INT(bad_nt, 0);
    return test_summary("test_explain_nt");
}
