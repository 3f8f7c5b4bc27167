/*
 * test_nn_model.c - model description and file: default architecture shapes, Glorot
 * initialisation bounds, metadata, save/load round trip (bit-identical parameters and
 * outputs), and refusal of truncated, corrupted, foreign and unknown-version files.
 */
#include <unistd.h>
#include "mirlens.h"
#include "test.h"

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)n);
    *len = fread(b, 1, (size_t)n, f);
    fclose(f);
    return b;
}

static void spit(const char *path, const unsigned char *b, size_t len)
{
    FILE *f = fopen(path, "wb");
    fwrite(b, 1, len, f);
    fclose(f);
}

static void test_arch(void)
{
    mrl_arch_t a;
    int s[3];
    for (int k = 3; k <= 5; k += 2) {
        mrl_arch_default(&a, k);
        CHECK(mrl_arch_check(&a) == 0);
        CHECK_INT(a.n_layers, 23);
        CHECK(mrl_arch_shape(&a, 0, s) == 0);
        CHECK_INT(s[0], 48);
        CHECK_INT(s[1], 26 - k);
        CHECK_INT(s[2], 101 - k);
        CHECK(mrl_arch_shape(&a, 18, s) == 0); /* flatten: 72 x 2 x 12 */
        CHECK_INT(s[0], 72 * 2 * 12);
        CHECK_INT(s[1], 1);
        CHECK(mrl_arch_shape(&a, 22, s) == 0);
        CHECK_INT(s[0], 2);
        CHECK(mrl_arch_shape(&a, 23, s) == MRL_ERR_ARG);
    }
    a.layer[2].k = 0;
    CHECK(mrl_arch_check(&a) == MRL_ERR_ARG);
    mrl_arch_default(&a, 3);
    a.layer[18].kind = MRL_LAYER_RELU; /* dense without a flatten before it */
    CHECK(mrl_arch_check(&a) == MRL_ERR_ARG);
}

static void test_init(void)
{
    mrl_arch_t a;
    mrl_arch_default(&a, 5);
    mrl_model_t *m;
    CHECK(mrl_model_new(&m, &a, 42) == 0);
    CHECK_INT(mrl_model_nparams(m), 904298);
    size_t wo, wn, bo, bn;
    CHECK(mrl_model_layer_params(m, 2, &wo, &wn, &bo, &bn) == 0);
    CHECK_INT(wn, 48 * 48 * 25);
    CHECK_INT(bn, 48);
    float lim = sqrtf(6.0f / (48 * 25 + 48 * 25)), mx = 0, sum = 0;
    const float *p = mrl_model_params(m);
    for (size_t j = 0; j < wn; j++) {
        mx = fabsf(p[wo + j]) > mx ? fabsf(p[wo + j]) : mx;
        sum += p[wo + j];
    }
    CHECK(mx <= lim && mx > 0.95f * lim);
    CHECK(fabsf(sum / (float)wn) < 0.01f * lim);
    int zero = 1;
    for (size_t j = 0; j < bn; j++)
        zero &= p[bo + j] == 0.0f;
    CHECK(zero);
    CHECK_STR(mrl_model_meta_get(m, "seed"), "42");
    CHECK(mrl_model_meta_get(m, "nope") == NULL);
    CHECK(mrl_model_meta_set(m, "epochs", "12") == 0);
    CHECK(mrl_model_meta_set(m, "epochs", "13") == 0);
    CHECK_STR(mrl_model_meta_get(m, "epochs"), "13");
    CHECK(mrl_model_meta_set(m, "bad", "two\nlines") == MRL_ERR_ARG);
    mrl_model_t *m2;
    CHECK(mrl_model_new(&m2, &a, 42) == 0);
    CHECK(memcmp(mrl_model_params(m), mrl_model_params(m2), 904298 * sizeof(float)) == 0);
    mrl_model_free(m2);
    mrl_model_free(m);

    uint8_t img[2 * 25 * 100 * 3];
    for (size_t i = 0; i < sizeof img; i++)
        img[i] = (uint8_t)(i * 7);
    float x[2 * 3 * 25 * 100];
    CHECK(mrl_model_new(&m, &a, 1) == 0);
    mrl_model_normalize(m, img, 2, x);
    /* image 1, channel 2, row 3, column 4 */
    CHECK_CLOSE(x[((1 * 3 + 2) * 25 + 3) * 100 + 4],
                (float)img[((1 * 25 + 3) * 100 + 4) * 3 + 2] / 255.0f, 1e-7, 0);
    mrl_model_free(m);
}

static void test_file(void)
{
    char path[64], bad[64];
    snprintf(path, sizeof path, "/tmp/test_nn_model_%d.mrl", (int)getpid());
    snprintf(bad, sizeof bad, "/tmp/test_nn_model_%d_bad.mrl", (int)getpid());
    mrl_arch_t a;
    mrl_arch_default(&a, 3);
    a.in_shift[1] = -0.5f;
    mrl_model_t *m, *l;
    CHECK(mrl_model_new(&m, &a, 7) == 0);
    CHECK(mrl_model_meta_set(m, "data", "train.u8.gz") == 0);
    CHECK(mrl_model_meta_set(m, "val_acc", "0.9312") == 0);
    CHECK(mrl_model_save(m, path) == 0);
    CHECK(mrl_model_load(&l, path) == 0);
    if (!l)
        return;
    CHECK(memcmp(mrl_model_arch(m), mrl_model_arch(l), sizeof a) == 0);
    CHECK_INT(mrl_model_nparams(l), mrl_model_nparams(m));
    CHECK(memcmp(mrl_model_params(m), mrl_model_params(l), mrl_model_nparams(m) * sizeof(float)) ==
          0);
    CHECK_STR(mrl_model_meta_get(l, "seed"), "7");
    CHECK_STR(mrl_model_meta_get(l, "data"), "train.u8.gz");
    CHECK_STR(mrl_model_meta_get(l, "val_acc"), "0.9312");

    /* same outputs from the loaded model */
    mrl_nn_t *n1, *n2;
    CHECK(mrl_nn_new(&n1, m, NULL) == 0);
    CHECK(mrl_nn_new(&n2, l, NULL) == 0);
    float x[2 * 7500], p1[4], p2[4];
    for (int i = 0; i < 2 * 7500; i++)
        x[i] = (float)(i % 255) / 255.0f;
    CHECK(mrl_nn_predict(n1, x, 2, p1) == 0);
    CHECK(mrl_nn_predict(n2, x, 2, p2) == 0);
    CHECK(memcmp(p1, p2, sizeof p1) == 0);
    CHECK_CLOSE(p1[0] + p1[1], 1.0, 1e-6, 0);
    mrl_nn_free(n1), mrl_nn_free(n2);
    mrl_model_free(l);

    size_t len = 0;
    unsigned char *b = slurp(path, &len);
    /* truncated: at several points, including inside the header and the parameters */
    size_t cuts[] = {0, 5, 11, 40, len / 2, len - 5, len - 1};
    for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
        spit(bad, b, cuts[c]);
        l = (mrl_model_t *)1;
        CHECK(mrl_model_load(&l, bad) == MRL_ERR_CORRUPT);
        CHECK(l == NULL);
        CHECK(strstr(mrl_errmsg(), bad) != NULL);
    }
    /* one flipped bit anywhere: corrupt */
    size_t flips[] = {20, 100, len / 3, len - 2};
    for (size_t c = 0; c < sizeof flips / sizeof flips[0]; c++) {
        b[flips[c]] ^= 0x10;
        spit(bad, b, len);
        CHECK(mrl_model_load(&l, bad) == MRL_ERR_CORRUPT);
        b[flips[c]] ^= 0x10;
    }
    /* a header asking for a huge layer: refused from the size, before any allocation */
    unsigned char keep[4];
    memcpy(keep, b + 32, 4); /* magic 8, version 4, in_c/h/w/n_layers 16, kind 4: out */
    b[32] = 0x60, b[33] = 0xea, b[34] = 0, b[35] = 0; /* 60000 channels */
    spit(bad, b, len);
    CHECK(mrl_model_load(&l, bad) == MRL_ERR_CORRUPT);
    memcpy(b + 32, keep, 4);
    /* unknown version and foreign file */
    b[8] = 99;
    spit(bad, b, len);
    CHECK(mrl_model_load(&l, bad) == MRL_ERR_FORMAT);
    CHECK(strstr(mrl_errmsg(), "version 99") != NULL);
    b[8] = 1;
    b[0] = 'X';
    spit(bad, b, len);
    CHECK(mrl_model_load(&l, bad) == MRL_ERR_FORMAT);
    CHECK(mrl_model_load(&l, "/nonexistent/model.mrl") == MRL_ERR_IO);
    free(b);
    unlink(bad);
    unlink(path);
    mrl_model_free(m);
}

/* Many batch sizes through one context (plans are evicted and rebuilt): each image's
 * probabilities stay what a batch of one gives. */
static void test_many_shapes(void)
{
    mrl_arch_t a;
    mrl_arch_default(&a, 3);
    a.in_h = 13, a.in_w = 40;
    mrl_model_t *m;
    mrl_nn_t *nn;
    CHECK(mrl_model_new(&m, &a, 3) == 0);
    CHECK(mrl_nn_new(&nn, m, NULL) == 0);
    size_t img = 3 * 13 * 40;
    float *x = malloc(40 * img * sizeof(float)), p1[80], pn[80];
    for (size_t i = 0; i < 40 * img; i++)
        x[i] = (float)((i * 7919) % 1000) / 1000.0f;
    int ok = 1;
    for (size_t n = 1; n <= 40; n++) {
        CHECK(mrl_nn_predict(nn, x, n, pn) == 0);
        CHECK(mrl_nn_predict(nn, x + (n - 1) * img, 1, p1) == 0);
        ok &= fabsf(pn[2 * (n - 1)] - p1[0]) < 1e-5f && fabsf(pn[2 * (n - 1) + 1] - p1[1]) < 1e-5f;
    }
    CHECK(ok);
    free(x);
    mrl_nn_free(nn);
    mrl_model_free(m);
}

/* Weight averaging (model soup): the mean is exact (summed in double, rounded once), one
 * model averages to itself, models of different architectures are refused, and a
 * shuffled-label control stays marked. */
static void test_average(void)
{
    mrl_arch_t a, b;
    mrl_arch_default(&a, 3);
    a.in_h = 13, a.in_w = 40;
    mrl_model_t *m[3], *avg = NULL;
    for (int j = 0; j < 3; j++)
        CHECK(mrl_model_new(&m[j], &a, 10 + (uint64_t)j) == 0);
    size_t np = mrl_model_nparams(m[0]);
    /* hand-set values in the first parameters: (1 + 2 + 4) / 3 and (0.1 + 0.2 + 0.3) / 3 */
    float *p0 = mrl_model_params(m[0]), *p1 = mrl_model_params(m[1]), *p2 = mrl_model_params(m[2]);
    p0[0] = 1, p1[0] = 2, p2[0] = 4;
    p0[1] = 0.1f, p1[1] = 0.2f, p2[1] = 0.3f;
    p0[2] = 3, p1[2] = -3, p2[2] = 0;
    CHECK(mrl_model_average(&avg, m, 3) == 0);
    const float *q = mrl_model_params(avg);
    CHECK(mrl_model_nparams(avg) == np);
    CHECK(q[0] == (float)(7.0 / 3.0));
    CHECK(q[1] == (float)(((double)0.1f + (double)0.2f + (double)0.3f) / 3.0));
    CHECK(q[2] == 0.0f);
    int exact = 1;
    for (size_t i = 0; i < np; i++)
        exact &= q[i] == (float)(((double)p0[i] + (double)p1[i] + (double)p2[i]) / 3.0);
    CHECK(exact);
    CHECK(mrl_model_meta_get(avg, "shuffled_labels") == NULL);
    mrl_model_free(avg);

    /* one model: the same weights and the same predictions */
    CHECK(mrl_model_average(&avg, m, 1) == 0);
    CHECK(memcmp(mrl_model_params(avg), p0, np * sizeof(float)) == 0);
    mrl_nn_t *n0 = NULL, *n1 = NULL;
    float x[3 * 13 * 40], y0[2], y1[2];
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
        x[i] = (float)((i * 31) % 17) / 17.0f;
    CHECK(mrl_nn_new(&n0, m[0], NULL) == 0);
    CHECK(mrl_nn_new(&n1, avg, NULL) == 0);
    CHECK(mrl_nn_predict(n0, x, 1, y0) == 0);
    CHECK(mrl_nn_predict(n1, x, 1, y1) == 0);
    CHECK(y0[0] == y1[0] && y0[1] == y1[1]);
    mrl_nn_free(n0);
    mrl_nn_free(n1);
    mrl_model_free(avg);

    /* training lengths: none recorded, none carried; else the union and the longest */
    long lo, hi, longest;
    CHECK(mrl_model_average(&avg, m, 3) == 0);
    CHECK(!mrl_model_length_range(avg, &lo, &hi) && !mrl_model_length_longest(avg, &longest));
    mrl_model_free(avg);
    CHECK(mrl_model_set_length_range(m[0], 60, 120, 0) == 0);
    CHECK(mrl_model_set_length_range(m[2], 50, 100, 0) == 0);
    CHECK(mrl_model_set_length_longest(m[0], 400, 0) == 0);
    CHECK(mrl_model_set_length_longest(m[1], 900, 0) == 0);
    CHECK(mrl_model_average(&avg, m, 3) == 0);
    CHECK(mrl_model_length_range(avg, &lo, &hi) == 1 && lo == 50 && hi == 120);
    CHECK(mrl_model_length_longest(avg, &longest) == 1 && longest == 900);
    mrl_model_free(avg);

    /* a shuffled-label model in the mean marks the mean */
    CHECK(mrl_model_meta_set(m[1], "shuffled_labels", "1") == 0);
    CHECK(mrl_model_average(&avg, m, 3) == 0);
    CHECK(mrl_model_meta_get(avg, "shuffled_labels") != NULL);
    CHECK_STR(mrl_model_meta_get(avg, "shuffled_labels"), "1");
    mrl_model_free(avg);

    /* refusals: no model, another kernel, another dense width, another input */
    avg = (mrl_model_t *)1;
    CHECK(mrl_model_average(&avg, m, 0) == MRL_ERR_ARG && avg == NULL);
    mrl_model_t *o[2] = {m[0], NULL};
    b = a;
    mrl_arch_default(&b, 5);
    b.in_h = 13, b.in_w = 40;
    CHECK(mrl_model_new(&o[1], &b, 1) == 0);
    CHECK(mrl_model_average(&avg, o, 2) == MRL_ERR_ARG && avg == NULL);
    CHECK(strstr(mrl_errmsg(), "model 2") && strstr(mrl_errmsg(), "layer 0"));
    mrl_model_free(o[1]);
    b = a;
    b.layer[b.n_layers - 4].out = 128;
    CHECK(mrl_arch_check(&b) == 0 && mrl_model_new(&o[1], &b, 1) == 0);
    CHECK(mrl_model_average(&avg, o, 2) == MRL_ERR_ARG);
    mrl_model_free(o[1]);
    b = a;
    b.in_w = 44;
    CHECK(mrl_model_new(&o[1], &b, 1) == 0);
    CHECK(mrl_model_average(&avg, o, 2) == MRL_ERR_ARG);
    CHECK(strstr(mrl_errmsg(), "input") != NULL);
    mrl_model_free(o[1]);
    for (int j = 0; j < 3; j++)
        mrl_model_free(m[j]);
}

int main(void)
{
    test_average();
    test_many_shapes();
    test_arch();
    test_init();
    test_file();
    return test_summary("test_nn_model");
}
