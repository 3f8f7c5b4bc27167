/*
 * test_keras_import.c - mrl_model_import_keras.
 *  (a) A tiny Keras-layout network written here with libhdf5 (conv valid+relu, conv same,
 *      max-pool, dropout, flatten of a 2x3x3 map, dense relu, dense softmax) against a
 *      direct float64 implementation of the Keras forward pass in NHWC order: checks the
 *      kernel conversion and the flatten permutation without any shared data.
 *  (b) Refusals: not HDF5, missing file, no model_config, functional model, strides,
 *      channels_first, unknown layer, softmax inside, missing weights, wrong shapes, bad JSON.
 *  (c) The authors' two networks (../shared/models, skipped when absent) on modhsa_test:
 *      P(pre-miRNA) = softmax class 1 within 1e-5 of ../shared/golden/keras_<model>_
 *      modhsa_test.tsv for every image, accuracy and AUROC as in the models' README, and
 *      save -> load giving identical probabilities.
 * In a build without Keras support (no MRL_HAVE_KERAS: `make KERAS=0`, or HDF5/cJSON not
 * found) only the stub is checked: mrl_keras_available() == 0 and MRL_ERR_UNAVAILABLE with a
 * message naming what is missing; (a)-(c) are skipped (exit 77).
 */
#include <unistd.h>
#include "mirlens.h"
#include "test.h"

#ifndef MRL_HAVE_KERAS

/* The entry point exists, fails cleanly and says what the build lacks. */
static void test_unavailable(void)
{
    mrl_model_t *m = (mrl_model_t *)&m; /* any non-NULL value: must come back NULL */
    CHECK_INT(mrl_keras_available(), 0);
    CHECK_INT(mrl_model_import_keras(&m, "model.h5"), MRL_ERR_UNAVAILABLE);
    CHECK(m == NULL);
    CHECK(strstr(mrl_errmsg(), "built without HDF5 and cJSON") != NULL);
    CHECK(strstr(mrl_errmsg(), "libhdf5-dev") && strstr(mrl_errmsg(), "libcjson-dev"));
    CHECK_STR(mrl_strerror(MRL_ERR_UNAVAILABLE), "not available in this build");
}

int main(void)
{
    test_unavailable();
    TEST_SKIP("built without HDF5 and cJSON (KERAS=0 or not found): the Keras import itself");
    return test_summary("test_keras_import");
}

#else /* MRL_HAVE_KERAS */

#include <hdf5.h>

static char tmpdir[4096];

/* ---- writing small Keras-like HDF5 files ---------------------------------------------- */

typedef struct wspec {
    const char *path; /* dataset path below model_weights/ */
    int rank;
    hsize_t dims[4];
    const float *v;
} wspec_t;

/* Scalar string attribute, variable length (as in the authors' files) or fixed length. */
static void h5_str_attr(hid_t loc, const char *name, const char *val, int fixed)
{
    hid_t t = H5Tcopy(H5T_C_S1), s = H5Screate(H5S_SCALAR);
    H5Tset_size(t, fixed ? strlen(val) : H5T_VARIABLE);
    hid_t a = H5Acreate2(loc, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, t, fixed ? (const void *)val : (const void *)&val);
    H5Aclose(a);
    H5Sclose(s);
    H5Tclose(t);
}

/* config NULL: no model_config; w NULL: no model_weights group; fixed: fixed-length
 * strings for the attributes. */
static void write_h5x(const char *path, const char *config, const wspec_t *w, int nw, int fixed)
{
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    CHECK(f >= 0);
    if (config)
        h5_str_attr(f, "model_config", config, fixed);
    h5_str_attr(f, "keras_version", "2.1.5", fixed);
    h5_str_attr(f, "backend", "tensorflow", fixed);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    for (int i = 0; w && i < nw; i++) {
        char p[512];
        snprintf(p, sizeof p, "model_weights/%s", w[i].path);
        hid_t s = H5Screate_simple(w[i].rank, w[i].dims, NULL);
        hid_t d = H5Dcreate2(f, p, H5T_IEEE_F32LE, s, lcpl, H5P_DEFAULT, H5P_DEFAULT);
        CHECK(d >= 0);
        H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, w[i].v);
        H5Dclose(d);
        H5Sclose(s);
    }
    H5Pclose(lcpl);
    H5Fclose(f);
}

static void write_h5(const char *path, const char *config, const wspec_t *w, int nw)
{
    write_h5x(path, config, w, nw, 0);
}

/* s with the first occurrence of `from` replaced by `to` (static buffer). */
static const char *subst(const char *s, const char *from, const char *to)
{
    static char buf[8192];
    const char *p = strstr(s, from);
    if (!p) {
        fprintf(stderr, "subst: '%s' not found\n", from);
        abort();
    }
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
    return buf;
}

/* ---- the tiny network ------------------------------------------------------------------ */

enum { TH = 6, TW = 8, TC = 3, NIMG = 5 };

static const char *const TINY =
    "{\"class_name\": \"Sequential\", \"config\": ["
    "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c1\", \"trainable\": true, "
    "\"batch_input_shape\": [null, 6, 8, 3], \"dtype\": \"float32\", \"filters\": 2, "
    "\"kernel_size\": [2, 2], \"strides\": [1, 1], \"padding\": \"valid\", \"data_format\": "
    "\"channels_last\", \"dilation_rate\": [1, 1], \"activation\": \"relu\", \"use_bias\": "
    "true}}, "
    "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c2\", \"filters\": 3, "
    "\"kernel_size\": [3, 3], \"strides\": [1, 1], \"padding\": \"same\", \"data_format\": "
    "\"channels_last\", \"dilation_rate\": [1, 1], \"activation\": \"linear\", \"use_bias\": "
    "true}}, "
    "{\"class_name\": \"MaxPooling2D\", \"config\": {\"name\": \"p1\", \"pool_size\": [2, 2], "
    "\"padding\": \"valid\", \"strides\": [2, 2], \"data_format\": \"channels_last\"}}, "
    "{\"class_name\": \"Dropout\", \"config\": {\"name\": \"dr\", \"rate\": 0.5, "
    "\"noise_shape\": null, \"seed\": null}}, "
    "{\"class_name\": \"Flatten\", \"config\": {\"name\": \"fl\"}}, "
    "{\"class_name\": \"Dense\", \"config\": {\"name\": \"d1\", \"units\": 4, \"activation\": "
    "\"relu\", \"use_bias\": true}}, "
    "{\"class_name\": \"Dense\", \"config\": {\"name\": \"d2\", \"units\": 2, \"activation\": "
    "\"softmax\", \"use_bias\": true}}]}";

/* Keras-layout weights: c1 (2,2,3,2), c2 (3,3,2,3), d1 (18,4), d2 (4,2) and biases. */
static float k1[2 * 2 * 3 * 2], b1[2], k2[3 * 3 * 2 * 3], b2[3], k3[18 * 4], b3[4], k4[4 * 2],
    b4[2];

static void tiny_weights(wspec_t w[8])
{
    mrl_rng_t r;
    mrl_rng_init(&r, 7, 1);
    float *all[8] = {k1, b1, k2, b2, k3, b3, k4, b4};
    size_t len[8] = {sizeof k1, sizeof b1, sizeof k2, sizeof b2,
                     sizeof k3, sizeof b3, sizeof k4, sizeof b4};
    for (int i = 0; i < 8; i++)
        for (size_t j = 0; j < len[i] / sizeof(float); j++)
            all[i][j] = 2.0f * mrl_rng_uniform(&r) - 1.0f;
    /* prefixes differ from the layer names, as in the authors' files */
    w[0] = (wspec_t){"c1/c1_7/kernel:0", 4, {2, 2, 3, 2}, k1};
    w[1] = (wspec_t){"c1/c1_7/bias:0", 1, {2}, b1};
    w[2] = (wspec_t){"c2/c2/kernel:0", 4, {3, 3, 2, 3}, k2};
    w[3] = (wspec_t){"c2/c2/bias:0", 1, {3}, b2};
    w[4] = (wspec_t){"d1/d1/kernel:0", 2, {18, 4}, k3};
    w[5] = (wspec_t){"d1/d1/bias:0", 1, {4}, b3};
    w[6] = (wspec_t){"d2/dense_9/kernel:0", 2, {4, 2}, k4};
    w[7] = (wspec_t){"d2/dense_9/bias:0", 1, {2}, b4};
}

/* Keras Conv2D on one NHWC image, float64; same = TF padding (pad_before = (k-1)/2). */
static void ref_conv(const double *x, int H, int W, int ci, const float *k, const float *b, int ks,
                     int co, int same, int relu, double *y, int *oh, int *ow)
{
    int pad = same ? (ks - 1) / 2 : 0;
    *oh = same ? H : H - ks + 1, *ow = same ? W : W - ks + 1;
    for (int oy = 0; oy < *oh; oy++)
        for (int ox = 0; ox < *ow; ox++)
            for (int o = 0; o < co; o++) {
                double s = b ? (double)b[o] : 0.0;
                for (int dy = 0; dy < ks; dy++)
                    for (int dx = 0; dx < ks; dx++) {
                        int iy = oy + dy - pad, ix = ox + dx - pad;
                        if (iy < 0 || iy >= H || ix < 0 || ix >= W)
                            continue;
                        for (int i = 0; i < ci; i++)
                            s += x[(iy * W + ix) * ci + i] *
                                 (double)k[((dy * ks + dx) * ci + i) * co + o];
                    }
                y[(oy * *ow + ox) * co + o] = relu && s < 0 ? 0.0 : s;
            }
}

static void ref_dense(const double *x, int nin, const float *k, const float *b, int nout, int relu,
                      double *y)
{
    for (int o = 0; o < nout; o++) {
        double s = (double)b[o];
        for (int j = 0; j < nin; j++)
            s += x[j] * (double)k[j * nout + o];
        y[o] = relu && s < 0 ? 0.0 : s;
    }
}

/* P(class 1) of the tiny network for one (H,W,C) byte image; b2z: c2 has no bias. */
static double ref_tiny(const unsigned char *img, int b2z)
{
    double x[TH * TW * TC], a[TH * TW * 3], c[TH * TW * 3], p[18], h[4], z[2];
    int oh, ow, oh2, ow2;
    for (int i = 0; i < TH * TW * TC; i++)
        x[i] = img[i] / 255.0;
    ref_conv(x, TH, TW, TC, k1, b1, 2, 2, 0, 1, a, &oh, &ow);
    ref_conv(a, oh, ow, 2, k2, b2z ? NULL : b2, 3, 3, 1, 0, c, &oh2, &ow2);
    for (int py = 0; py < oh2 / 2; py++) /* (2,3,3) pooled, Keras flatten order (h,w,c) */
        for (int px = 0; px < ow2 / 2; px++)
            for (int ch = 0; ch < 3; ch++) {
                double mx = -1e300;
                for (int dy = 0; dy < 2; dy++)
                    for (int dx = 0; dx < 2; dx++) {
                        double v = c[((2 * py + dy) * ow2 + 2 * px + dx) * 3 + ch];
                        mx = v > mx ? v : mx;
                    }
                p[(py * (ow2 / 2) + px) * 3 + ch] = mx;
            }
    ref_dense(p, 18, k3, b3, 4, 1, h);
    ref_dense(h, 4, k4, b4, 2, 0, z);
    return 1.0 / (1.0 + exp(z[0] - z[1]));
}

/* P(class 1) of n images (N,H,W,C) bytes through mirlens, in batches of 64; margin (may be
 * NULL) receives the logit difference z1 - z0, which still ranks images whose probability
 * has saturated to 0 or 1 in float32. */
static int predict_p1(mrl_model_t *m, const unsigned char *rgb, size_t n, double *p1,
                      double *margin)
{
    const mrl_arch_t *a = mrl_model_arch(m);
    size_t img = (size_t)a->in_c * a->in_h * a->in_w;
    float *x = malloc(64 * img * sizeof *x), probs[64 * 2], z[64 * 2];
    mrl_nn_t *nn = NULL;
    int rc = x ? mrl_nn_new(&nn, m, NULL) : MRL_ERR_NOMEM;
    for (size_t i = 0; !rc && i < n; i += 64) {
        size_t b = n - i < 64 ? n - i : 64;
        mrl_model_normalize(m, rgb + i * img, b, x);
        rc = mrl_nn_predict(nn, x, b, probs);
        if (!rc && margin)
            rc = mrl_nn_read(nn, a->n_layers - 1, 0, z);
        for (size_t j = 0; !rc && j < b; j++) {
            p1[i + j] = (double)probs[2 * j + 1];
            if (margin)
                margin[i + j] = (double)z[2 * j + 1] - (double)z[2 * j];
        }
    }
    if (rc)
        fprintf(stderr, "predict: %s\n", mrl_errmsg());
    mrl_nn_free(nn);
    free(x);
    return rc;
}

static void test_tiny(void)
{
    char path[4200];
    wspec_t w[8];
    unsigned char img[NIMG * TH * TW * TC];
    double got[NIMG];
    mrl_rng_t r;
    tiny_weights(w);
    mrl_rng_init(&r, 11, 2);
    for (size_t i = 0; i < sizeof img; i++)
        img[i] = (unsigned char)mrl_rng_below(&r, 256);
    snprintf(path, sizeof path, "%s/test_keras_tiny.h5", tmpdir);
    for (int variant = 0; variant < 4; variant++) {
        /* 0: Keras 2.1 config list; 1: Keras 2.2 {"layers": [...]}; 2: c2 without bias;
         * 3: fixed-length string attributes */
        char cfg[8192];
        if (variant == 1)
            snprintf(cfg, sizeof cfg, "%s}",
                     subst(TINY, "\"config\": [", "\"config\": {\"name\": \"s\", \"layers\": ["));
        else if (variant == 2)
            snprintf(
                cfg, sizeof cfg, "%s",
                subst(TINY, "\"linear\", \"use_bias\": true", "\"linear\", \"use_bias\": false"));
        else
            snprintf(cfg, sizeof cfg, "%s", TINY);
        wspec_t wv[8];
        int nw = 0;
        for (int i = 0; i < 8; i++)
            if (!(variant == 2 && i == 3))
                wv[nw++] = w[i];
        write_h5x(path, cfg, wv, nw, variant == 3);
        mrl_model_t *m = NULL;
        int rc = mrl_model_import_keras(&m, path);
        CHECK_INT(rc, 0);
        if (rc) {
            fprintf(stderr, "tiny variant %d: %s\n", variant, mrl_errmsg());
            continue;
        }
        const mrl_arch_t *a = mrl_model_arch(m);
        /* conv relu conv pool drop flatten dense relu dense */
        CHECK_INT(a->n_layers, 9);
        CHECK(a->in_c == 3 && a->in_h == TH && a->in_w == TW);
        CHECK_INT(mrl_model_nparams(m), 26 + 57 + 76 + 10);
        CHECK_STR(mrl_model_meta_get(m, "keras_version"), "2.1.5");
        CHECK_STR(mrl_model_meta_get(m, "keras_backend"), "tensorflow");
        CHECK_STR(mrl_model_meta_get(m, "source"), "test_keras_tiny.h5");
        CHECK_STR(mrl_model_meta_get(m, "keras_model_class"), "Sequential");
        CHECK_STR(mrl_model_meta_get(m, "seed"), "none (weights imported from Keras)");
        /* one converted entry by hand: c1 OIHW (o=1,i=2,y=0,x=1) = Keras (0,1,2,1) */
        size_t wo, wn, bo, bn;
        CHECK_INT(mrl_model_layer_params(m, 0, &wo, &wn, &bo, &bn), 0);
        CHECK(mrl_model_params(m)[wo + ((1 * 3 + 2) * 2 + 0) * 2 + 1] ==
              k1[((0 * 2 + 1) * 3 + 2) * 2 + 1]);
        double maxd = 0.0;
        if (predict_p1(m, img, NIMG, got, NULL) == 0)
            for (int i = 0; i < NIMG; i++) {
                double d = fabs(got[i] - ref_tiny(img + i * TH * TW * TC, variant == 2));
                maxd = d > maxd ? d : maxd;
            }
        else
            maxd = 1.0;
        CHECK(maxd <= 1e-6);
        printf("test_keras_import: tiny network, variant %d: max |p - ref| = %.3g\n", variant,
               maxd);
        mrl_model_free(m);
    }
    remove(path);
}

/* ---- refusals -------------------------------------------------------------------------- */

static void expect_fail(const char *what, const char *path, int want, const char *s1,
                        const char *s2)
{
    mrl_model_t *m = (mrl_model_t *)&m; /* must come back NULL */
    int rc = mrl_model_import_keras(&m, path);
    const char *msg = mrl_errmsg();
    int ok = rc == want && m == NULL && strstr(msg, s1) && (!s2 || strstr(msg, s2));
    CHECK(ok);
    if (!ok)
        fprintf(stderr, "%s: rc %d (want %d), message '%s' (want '%s'%s%s)\n", what, rc, want, msg,
                s1, s2 ? ", " : "", s2 ? s2 : "");
    if (rc == 0 && m)
        mrl_model_free(m);
}

static void test_refusals(void)
{
    char path[4200];
    wspec_t w[8];
    tiny_weights(w);
    snprintf(path, sizeof path, "%s/test_keras_bad.h5", tmpdir);
    FILE *fp = fopen(path, "w");
    CHECK(fp != NULL);
    if (fp) {
        fputs("this is not an HDF5 file\n", fp);
        fclose(fp);
    }
    expect_fail("text file", path, MRL_ERR_FORMAT, "not an HDF5 file", "test_keras_bad.h5");
    remove(path);
    expect_fail("missing file", path, MRL_ERR_IO, "test_keras_bad.h5", "No such file");

    static const struct {
        const char *what, *from, *to;
        int want;
        const char *s1, *s2;
    } cfg[] = {
        {"functional", "\"Sequential\"", "\"Model\"", MRL_ERR_REFUSED, "Model", "Sequential"},
        {"strides", "[1, 1], \"padding\": \"valid\"", "[2, 2], \"padding\": \"valid\"",
         MRL_ERR_REFUSED, "'c1'", "stride"},
        {"channels_first", "\"channels_last\"", "\"channels_first\"", MRL_ERR_REFUSED, "'c1'",
         "channels_first"},
        {"dilation", "\"dilation_rate\": [1, 1], \"activation\": \"linear\"",
         "\"dilation_rate\": [2, 2], \"activation\": \"linear\"", MRL_ERR_REFUSED, "'c2'",
         "dilation"},
        {"other layer", "\"Dropout\"", "\"BatchNormalization\"", MRL_ERR_REFUSED, "'dr'",
         "BatchNormalization"},
        {"tanh", "\"activation\": \"relu\", \"use_bias\": true}}, {\"class_name\": \"Dense\"",
         "\"activation\": \"tanh\", \"use_bias\": true}}, {\"class_name\": \"Dense\"",
         MRL_ERR_REFUSED, "'d1'", "tanh"},
        {"softmax inside", "\"units\": 4, \"activation\": \"relu\"",
         "\"units\": 4, \"activation\": \"softmax\"", MRL_ERR_REFUSED, "'d1'", "softmax"},
        {"sigmoid output", "\"activation\": \"softmax\"", "\"activation\": \"sigmoid\"",
         MRL_ERR_REFUSED, "'d2'", "sigmoid"},
        {"pool strides", "\"strides\": [2, 2], \"data_format\"",
         "\"strides\": [1, 1], \"data_format\"", MRL_ERR_REFUSED, "'p1'", "strides"},
        {"no input shape", "\"batch_input_shape\": [null, 6, 8, 3], ", "", MRL_ERR_REFUSED, "'c1'",
         "batch_input_shape"},
        {"bad json", "]}", "]", MRL_ERR_PARSE, "not valid JSON", "test_keras_bad.h5"},
        {"shape mismatch", "\"units\": 4", "\"units\": 5", MRL_ERR_CORRUPT, "'d1'", "shape"},
    };
    for (size_t i = 0; i < sizeof cfg / sizeof cfg[0]; i++) {
        write_h5(path, subst(TINY, cfg[i].from, cfg[i].to), w, 8);
        expect_fail(cfg[i].what, path, cfg[i].want, cfg[i].s1, cfg[i].s2);
    }
    write_h5(path, NULL, w, 8);
    expect_fail("no model_config", path, MRL_ERR_FORMAT, "model_config", NULL);
    write_h5(path, TINY, NULL, 0);
    expect_fail("no model_weights", path, MRL_ERR_FORMAT, "model_weights", NULL);
    write_h5(path, TINY, w, 4); /* d1, d2 missing */
    expect_fail("missing layer weights", path, MRL_ERR_FORMAT, "'d1'", "no weights");
    write_h5(path, TINY, w, 7); /* d2 bias missing */
    expect_fail("missing bias", path, MRL_ERR_FORMAT, "'d2'", "bias");
    remove(path);
}

/* ---- the authors' networks ------------------------------------------------------------ */

/* Accuracy (class 1 when p > thr: Keras' argmax for thr 0.5 on probabilities, 0 on logit
 * margins) and AUROC (Mann-Whitney, ties count 1/2). */
static void metrics(const double *p, const int8_t *lab, size_t n, double thr, double *acc,
                    double *auc)
{
    size_t ok = 0, npos = 0;
    double wins = 0.0;
    for (size_t i = 0; i < n; i++) {
        ok += (p[i] > thr) == (lab[i] == 1);
        npos += lab[i] == 1;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; lab[i] == 1 && j < n; j++)
            if (lab[j] == 0)
                wins += p[i] > p[j] ? 1.0 : p[i] == p[j] ? 0.5 : 0.0;
    *acc = (double)ok / (double)n;
    *auc = wins / ((double)npos * (double)(n - npos));
}

/* Golden probabilities; checks names and labels against the image set. */
static double *read_golden(const char *path, const mrl_imageset_t *is)
{
    FILE *fp = fopen(path, "r");
    char line[4096];
    double *p = calloc(is->n, sizeof *p);
    size_t n = 0, bad = 0;
    if (!fp || !p || !fgets(line, sizeof line, fp) || strcmp(line, "name\tlabel\tp_pre_mirna\n")) {
        CHECK(!"golden file header");
        if (fp)
            fclose(fp);
        free(p);
        return NULL;
    }
    while (fgets(line, sizeof line, fp)) {
        char *name = strtok(line, "\t"), *lab = strtok(NULL, "\t"), *pv = strtok(NULL, "\t\n");
        if (!name || !lab || !pv || n >= is->n || strcmp(name, is->names[n]) ||
            atoi(lab) != is->labels[n])
            bad++;
        else
            p[n] = atof(pv);
        n++;
    }
    fclose(fp);
    CHECK_INT(n, is->n);
    CHECK_INT(bad, 0);
    return p;
}

static void test_author_model(const char *shared, const char *name, double want_acc,
                              double want_auc)
{
    char h5[4200], gold[4200], set[4200], rt[4200];
    snprintf(h5, sizeof h5, "%s/models/%s.h5", shared, name);
    snprintf(gold, sizeof gold, "%s/golden/keras_%s_modhsa_test.tsv", shared, name);
    snprintf(set, sizeof set, "%s/data/cordero_images/modhsa_test", shared);
    snprintf(rt, sizeof rt, "%s/test_keras_rt.mrlm", tmpdir);
    if (access(h5, R_OK) || access(gold, R_OK)) {
        TEST_SKIP("%s or %s not found", h5, gold);
        return;
    }
    mrl_model_t *m = NULL, *m2 = NULL;
    mrl_imageset_t *is = NULL;
    double *gp = NULL, *p = NULL, *p2 = NULL, *z = NULL;
    CHECK_INT(mrl_model_import_keras(&m, h5), 0);
    CHECK_INT(mrl_imageset_load(&is, set), 0);
    if (!m || !is || !is->labels || !is->names) {
        fprintf(stderr, "%s: %s\n", name, mrl_errmsg());
        goto done;
    }
    CHECK_INT(mrl_model_nparams(m), 315386);
    CHECK_INT(mrl_model_arch(m)->n_layers, 29);
    gp = read_golden(gold, is);
    p = calloc(is->n, sizeof *p);
    p2 = calloc(is->n, sizeof *p2);
    z = calloc(is->n, sizeof *z);
    if (!gp || !p || !p2 || !z || predict_p1(m, is->rgb, is->n, p, z)) {
        CHECK(!"prediction");
        goto done;
    }
    double maxd = 0.0, acc, auc, zacc, zauc, gacc, gauc;
    for (size_t i = 0; i < is->n; i++)
        maxd = fabs(p[i] - gp[i]) > maxd ? fabs(p[i] - gp[i]) : maxd;
    CHECK(maxd <= 1e-5);
    metrics(p, is->labels, is->n, 0.5, &acc, &auc);
    metrics(z, is->labels, is->n, 0.0, &zacc, &zauc);
    metrics(gp, is->labels, is->n, 0.5, &gacc, &gauc);
    printf("test_keras_import: %s: %zu images, max |p - keras| = %.3g; accuracy %.4f, AUROC "
           "%.4f from logit margins, %.4f from float32 probabilities, %.4f from the golden "
           "file's 9-decimal probabilities (README %.4f / %.4f)\n",
           name, is->n, maxd, acc, zauc, auc, gauc, want_acc, want_auc);
    /* The README's AUROC ranks by unrounded probabilities; float32 softmax saturates at 1.0
     * (hsa model: AUROC 0.9831 from float32 probabilities); the logit margin keeps the order. */
    CHECK(fabs(acc - want_acc) < 0.5e-4 && fabs(zacc - want_acc) < 0.5e-4);
    CHECK(fabs(gacc - want_acc) < 0.5e-4);
    CHECK(fabs(zauc - want_auc) < 0.5e-4);
    /* save -> load: the same probabilities, bit for bit */
    CHECK_INT(mrl_model_save(m, rt), 0);
    CHECK_INT(mrl_model_load(&m2, rt), 0);
    remove(rt);
    if (m2 && predict_p1(m2, is->rgb, is->n, p2, NULL) == 0)
        CHECK(memcmp(p, p2, is->n * sizeof *p) == 0);
    else
        CHECK(!"round trip");
    CHECK_STR(m2 ? mrl_model_meta_get(m2, "keras_version") : NULL, "2.1.5");
done:
    free(gp);
    free(p);
    free(p2);
    free(z);
    mrl_imageset_free(is);
    mrl_model_free(m);
    mrl_model_free(m2);
}

int main(int argc, char **argv)
{
    (void)argc;
    CHECK_INT(mrl_keras_available(), 1);
    /* temporary files go beside the test binary (inside the build directory) */
    snprintf(tmpdir, sizeof tmpdir, "%s", argv[0]);
    char *slash = strrchr(tmpdir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(tmpdir, sizeof tmpdir, ".");
    test_tiny();
    test_refusals();
    const char *shared = test_shared_dir();
    if (!shared) {
        TEST_SKIP("../shared not found (set MIRLENS_SHARED): the authors' models");
    } else {
        test_author_model(shared, "final_hsa_vgg_4M_128FCU", 0.9426, 0.9844);
        test_author_model(shared, "final_allmirbase_vgg_4M_128FCU", 0.9663, 0.9899);
    }
    return test_summary("test_keras_import");
}

#endif /* MRL_HAVE_KERAS */
