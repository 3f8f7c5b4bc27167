/*
 * test_nn_ref.c - the CNN engine against PyTorch: every layer's forward output and backward
 * gradients, ReLU backward rules, softmax cross-entropy, Adam, and a small network's loss,
 * input gradient, parameter gradients and three training steps. Vectors come from
 * tools/make_nn_ref.py (tests/data/nn/ref_nn.txt); tolerance abs 1e-5 / rel 1e-4.
 */
#include <stdint.h>
#include "mirlens.h"
#include "test.h"

#define ATOL 1e-5
#define RTOL 1e-4

typedef struct vec {
    char name[64];
    size_t n;
    float *v;
} vec_t;

static vec_t vecs[256];
static int n_vecs;

static int load_ref(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char name[64];
    int c;
    while ((c = fgetc(f)) != EOF) {
        if (c == '#') {
            while ((c = fgetc(f)) != EOF && c != '\n')
                ;
            continue;
        }
        ungetc(c, f);
        size_t n;
        if (fscanf(f, "%63s %zu", name, &n) != 2 || n_vecs == 256)
            break;
        vec_t *v = &vecs[n_vecs++];
        snprintf(v->name, sizeof v->name, "%s", name);
        v->n = n;
        v->v = malloc(n * sizeof(float));
        for (size_t i = 0; i < n; i++)
            if (fscanf(f, "%f", &v->v[i]) != 1)
                return -1;
        while ((c = fgetc(f)) != EOF && c != '\n')
            ;
    }
    fclose(f);
    return n_vecs;
}

static const float *ref(const char *name, size_t n)
{
    for (int i = 0; i < n_vecs; i++)
        if (strcmp(vecs[i].name, name) == 0) {
            if (n && vecs[i].n != n) {
                fprintf(stderr, "FAIL %s has %zu values, expected %zu\n", name, vecs[i].n, n);
                test_fail++;
                return NULL;
            }
            return vecs[i].v;
        }
    fprintf(stderr, "FAIL missing reference vector %s\n", name);
    test_fail++;
    return NULL;
}

/* One CHECK per tensor; the worst element is reported. */
static void close_all(const char *what, const float *got, const float *want, size_t n)
{
    if (!got || !want)
        return;
    size_t bad = 0, worst = 0;
    double wd = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)got[i] - (double)want[i]);
        if (!(d <= ATOL + RTOL * fabs((double)want[i])))
            bad++;
        if (!(d <= wd)) /* also catches NaN */
            wd = d, worst = i;
    }
    if (bad) {
        fprintf(stderr, "FAIL %s: %zu of %zu off, worst [%zu] %.9g vs %.9g\n", what, bad, n, worst,
                (double)got[worst], (double)want[worst]);
        test_fail++;
    } else {
        test_pass++;
    }
}

static mrl_nn_t *make_net(const mrl_arch_t *a, mrl_model_t **mp, int threads)
{
    mrl_model_t *m;
    mrl_nn_t *nn;
    if (mrl_model_new(&m, a, 1) != 0) {
        fprintf(stderr, "model: %s\n", mrl_errmsg());
        exit(2);
    }
    mrl_nn_opts_t o;
    mrl_nn_opts_default(&o);
    o.threads = threads;
    if (mrl_nn_new(&nn, m, &o) != 0) {
        fprintf(stderr, "nn: %s\n", mrl_errmsg());
        exit(2);
    }
    *mp = m;
    return nn;
}

static void set_layer(mrl_model_t *m, int layer, const float *w, const float *b)
{
    size_t wo, wn, bo, bn;
    CHECK(mrl_model_layer_params(m, layer, &wo, &wn, &bo, &bn) == 0);
    if (w && b) {
        memcpy(mrl_model_params(m) + wo, w, wn * sizeof(float));
        memcpy(mrl_model_params(m) + bo, b, bn * sizeof(float));
    }
    mrl_model_touch(m);
}

static void check_layer_grads(mrl_model_t *m, int layer, const char *pw, const char *pb)
{
    size_t wo, wn, bo, bn;
    CHECK(mrl_model_layer_params(m, layer, &wo, &wn, &bo, &bn) == 0);
    close_all(pw, mrl_model_grads(m) + wo, ref(pw, wn), wn);
    close_all(pb, mrl_model_grads(m) + bo, ref(pb, bn), bn);
}

static void test_conv(const char *tag, int k, int same, int threads)
{
    mrl_arch_t a;
    memset(&a, 0, sizeof a);
    a.in_c = 3, a.in_h = 6, a.in_w = 7, a.n_layers = 1;
    a.in_scale[0] = a.in_scale[1] = a.in_scale[2] = 1;
    a.layer[0] = (mrl_layer_spec_t){MRL_LAYER_CONV, 5, k, same, 0};
    mrl_model_t *m;
    mrl_nn_t *nn = make_net(&a, &m, threads);
    char nm[8][64];
    const char *sfx[8] = {"x", "w", "b", "y", "dy", "dx", "dw", "db"};
    for (int i = 0; i < 8; i++)
        snprintf(nm[i], sizeof nm[i], "conv_%s_%s", tag, sfx[i]);
    int s[3];
    CHECK(mrl_arch_shape(&a, 0, s) == 0);
    size_t ny = 2 * (size_t)s[0] * s[1] * s[2];
    set_layer(m, 0, ref(nm[1], 5 * 3 * k * k), ref(nm[2], 5));
    float y[2 * 5 * 7 * 8], dx[2 * 3 * 6 * 7];
    CHECK(mrl_nn_forward(nn, ref(nm[0], 252), 2, MRL_NN_EXPLAIN, NULL) == 0);
    CHECK(mrl_nn_read(nn, 0, 0, y) == 0);
    close_all(nm[3], y, ref(nm[3], ny), ny);
    mrl_nn_bwd_opts_t bo;
    mrl_nn_bwd_opts_default(&bo);
    bo.weights = 1;
    mrl_model_zero_grads(m);
    CHECK(mrl_nn_backward(nn, 0, ref(nm[4], ny), &bo) == 0);
    CHECK(mrl_nn_read(nn, -1, 1, dx) == 0);
    close_all(nm[5], dx, ref(nm[5], 252), 252);
    check_layer_grads(m, 0, nm[6], nm[7]);
    mrl_nn_free(nn);
    mrl_model_free(m);
}

static void test_pool(int threads)
{
    mrl_arch_t a;
    memset(&a, 0, sizeof a);
    a.in_c = 5, a.in_h = 7, a.in_w = 9, a.n_layers = 1;
    a.layer[0] = (mrl_layer_spec_t){MRL_LAYER_MAXPOOL, 0, 2, 0, 0};
    mrl_model_t *m;
    mrl_nn_t *nn = make_net(&a, &m, threads);
    float y[2 * 5 * 3 * 4], dx[2 * 5 * 7 * 9];
    CHECK(mrl_nn_forward(nn, ref("pool_x", 630), 2, MRL_NN_EXPLAIN, NULL) == 0);
    CHECK(mrl_nn_read(nn, 0, 0, y) == 0);
    close_all("pool_y", y, ref("pool_y", 120), 120);
    CHECK(mrl_nn_backward(nn, 0, ref("pool_dy", 120), NULL) == 0);
    CHECK(mrl_nn_read(nn, -1, 1, dx) == 0);
    close_all("pool_dx", dx, ref("pool_dx", 630), 630);
    mrl_nn_free(nn);
    mrl_model_free(m);
}

static void test_relu(int threads)
{
    mrl_arch_t a;
    memset(&a, 0, sizeof a);
    a.in_c = 3, a.in_h = 4, a.in_w = 5, a.n_layers = 1;
    a.layer[0] = (mrl_layer_spec_t){MRL_LAYER_RELU, 0, 0, 0, 0};
    mrl_model_t *m;
    mrl_nn_t *nn = make_net(&a, &m, threads);
    const char *want[3] = {"relu_dx_std", "relu_dx_guided", "relu_dx_deconv"};
    float dx[120];
    CHECK(mrl_nn_forward(nn, ref("relu_x", 120), 2, MRL_NN_EXPLAIN, NULL) == 0);
    for (int r = 0; r < 3; r++) {
        mrl_nn_bwd_opts_t bo;
        mrl_nn_bwd_opts_default(&bo);
        bo.relu_rule = r;
        CHECK(mrl_nn_backward(nn, 0, ref("relu_dy", 120), &bo) == 0);
        CHECK(mrl_nn_read(nn, -1, 1, dx) == 0);
        close_all(want[r], dx, ref(want[r], 120), 120);
    }
    mrl_nn_free(nn);
    mrl_model_free(m);
}

/* A ReLU fused into the convolution before it applies the same three rules. */
static void test_fused_relu_rules(int threads)
{
    mrl_arch_t a;
    memset(&a, 0, sizeof a);
    a.in_c = 3, a.in_h = 6, a.in_w = 7, a.n_layers = 2;
    a.layer[0] = (mrl_layer_spec_t){MRL_LAYER_CONV, 5, 3, 1, 0};
    a.layer[1] = (mrl_layer_spec_t){MRL_LAYER_RELU, 0, 0, 0, 0};
    mrl_model_t *m;
    mrl_nn_t *nn = make_net(&a, &m, threads);
    set_layer(m, 0, ref("conv_k3s_w", 135), ref("conv_k3s_b", 5));
    float y[420], g[420], dummy[420];
    const float *dy = ref("conv_k3s_dy", 420);
    CHECK(mrl_nn_forward(nn, ref("conv_k3s_x", 252), 2, MRL_NN_EXPLAIN, NULL) == 0);
    CHECK(mrl_nn_read(nn, 1, 0, y) == 0);
    CHECK(mrl_nn_read(nn, 0, 0, dummy) == MRL_ERR_ARG); /* fused away */
    int ok[3] = {1, 1, 1};
    for (int r = 0; r < 3; r++) {
        mrl_nn_bwd_opts_t bo;
        mrl_nn_bwd_opts_default(&bo);
        bo.relu_rule = r;
        bo.stop = 0;
        CHECK(mrl_nn_backward(nn, 1, dy, &bo) == 0);
        CHECK(mrl_nn_read(nn, 0, 1, g) == 0);
        CHECK(mrl_nn_read(nn, -1, 1, dummy) == MRL_ERR_ARG); /* stopped above the input */
        for (int i = 0; i < 420; i++) {
            float w = r == 0   ? (y[i] > 0 ? dy[i] : 0)
                      : r == 1 ? (y[i] > 0 && dy[i] > 0 ? dy[i] : 0)
                               : (dy[i] > 0 ? dy[i] : 0);
            ok[r] &= g[i] == w;
        }
        CHECK(ok[r]);
    }
    mrl_nn_free(nn);
    mrl_model_free(m);
}

static void test_dense(int threads)
{
    mrl_arch_t a;
    memset(&a, 0, sizeof a);
    a.in_c = 2, a.in_h = 2, a.in_w = 2, a.n_layers = 2;
    a.layer[0] = (mrl_layer_spec_t){MRL_LAYER_FLATTEN, 0, 0, 0, 0};
    a.layer[1] = (mrl_layer_spec_t){MRL_LAYER_DENSE, 7, 0, 0, 0};
    mrl_model_t *m;
    mrl_nn_t *nn = make_net(&a, &m, threads);
    set_layer(m, 1, ref("dense_w", 56), ref("dense_b", 7));
    float y[21], dx[24], fl[24];
    CHECK(mrl_nn_forward(nn, ref("dense_x", 24), 3, MRL_NN_EXPLAIN, NULL) == 0);
    CHECK(mrl_nn_read(nn, 1, 0, y) == 0);
    close_all("dense_y", y, ref("dense_y", 21), 21);
    CHECK(mrl_nn_read(nn, 0, 0, fl) == 0);
    close_all("flatten", fl, ref("dense_x", 24), 24);
    mrl_nn_bwd_opts_t bo;
    mrl_nn_bwd_opts_default(&bo);
    bo.weights = 1;
    mrl_model_zero_grads(m);
    CHECK(mrl_nn_backward(nn, 1, ref("dense_dy", 21), &bo) == 0);
    CHECK(mrl_nn_read(nn, -1, 1, dx) == 0);
    close_all("dense_dx", dx, ref("dense_dx", 24), 24);
    check_layer_grads(m, 1, "dense_dw", "dense_db");
    mrl_nn_free(nn);
    mrl_model_free(m);
}

static void test_xent_adam(void)
{
    const float *z = ref("xent_z", 15), *lf = ref("xent_labels", 5);
    if (!z || !lf)
        return;
    int lab[5];
    for (int i = 0; i < 5; i++)
        lab[i] = (int)lf[i];
    float dz[15];
    double loss;
    mrl_nn_softmax_xent(z, lab, 5, 3, NULL, dz, &loss);
    float lossf = (float)loss;
    close_all("xent_loss", &lossf, ref("xent_loss", 1), 1);
    close_all("xent_dz", dz, ref("xent_dz", 15), 15);

    /* Adam on a model whose only parameters are a 40-unit bias: dense 1 -> 40 has 40
     * weights + 40 biases; drive the biases only (weights get zero gradients). */
    mrl_arch_t a;
    memset(&a, 0, sizeof a);
    a.in_c = 1, a.in_h = 1, a.in_w = 1, a.n_layers = 2;
    a.layer[0] = (mrl_layer_spec_t){MRL_LAYER_FLATTEN, 0, 0, 0, 0};
    a.layer[1] = (mrl_layer_spec_t){MRL_LAYER_DENSE, 40, 0, 0, 0};
    mrl_model_t *m;
    CHECK(mrl_model_new(&m, &a, 3) == 0);
    size_t wo, wn, bo, bn;
    CHECK(mrl_model_layer_params(m, 1, &wo, &wn, &bo, &bn) == 0 && bn == 40);
    memcpy(mrl_model_params(m) + bo, ref("adam_p0", 40), 40 * sizeof(float));
    mrl_adam_opts_t ao;
    mrl_adam_opts_default(&ao);
    for (int t = 1; t <= 3; t++) {
        char g[16], p[16];
        snprintf(g, sizeof g, "adam_g%d", t);
        snprintf(p, sizeof p, "adam_p%d", t);
        mrl_model_zero_grads(m);
        memcpy(mrl_model_grads(m) + bo, ref(g, 40), 40 * sizeof(float));
        mrl_model_adam_step(m, &ao);
        close_all(p, mrl_model_params(m) + bo, ref(p, 40), 40);
    }
    CHECK_INT(mrl_model_adam_t(m), 3);
    mrl_model_free(m);
}

static void small_arch(mrl_arch_t *a)
{
    memset(a, 0, sizeof *a);
    a->in_c = 3, a->in_h = 10, a->in_w = 14;
    const mrl_layer_spec_t L[] = {
        {MRL_LAYER_CONV, 6, 3, 0, 0},       {MRL_LAYER_RELU, 0, 0, 0, 0},
        {MRL_LAYER_CONV, 5, 3, 1, 0},       {MRL_LAYER_RELU, 0, 0, 0, 0},
        {MRL_LAYER_MAXPOOL, 0, 2, 0, 0},    {MRL_LAYER_DROPOUT, 0, 0, 0, 0.25f},
        {MRL_LAYER_CONV, 7, 4, 1, 0},       {MRL_LAYER_MAXPOOL, 0, 2, 0, 0},
        {MRL_LAYER_RELU, 0, 0, 0, 0},       {MRL_LAYER_FLATTEN, 0, 0, 0, 0},
        {MRL_LAYER_DENSE, 9, 0, 0, 0},      {MRL_LAYER_RELU, 0, 0, 0, 0},
        {MRL_LAYER_DROPOUT, 0, 0, 0, 0.5f}, {MRL_LAYER_DENSE, 2, 0, 0, 0}};
    a->n_layers = (int)(sizeof L / sizeof L[0]);
    memcpy(a->layer, L, sizeof L);
}

static void test_network(int threads)
{
    mrl_arch_t a;
    small_arch(&a);
    mrl_model_t *m;
    mrl_nn_t *nn = make_net(&a, &m, threads);
    size_t P = mrl_model_nparams(m);
    CHECK_INT(P, 1417);
    const float *p0 = ref("net_params", P), *x = ref("net_x", 1260), *lf = ref("net_labels", 3);
    if (!p0 || !x || !lf)
        return;
    int lab[3] = {(int)lf[0], (int)lf[1], (int)lf[2]};
    memcpy(mrl_model_params(m), p0, P * sizeof(float));
    mrl_model_touch(m);
    float z[6], dz[6], dx[1260];
    double loss;
    CHECK(mrl_nn_forward(nn, x, 3, MRL_NN_EXPLAIN, NULL) == 0);
    CHECK(mrl_nn_read(nn, 13, 0, z) == 0);
    close_all("net_logits", z, ref("net_logits", 6), 6);
    mrl_nn_softmax_xent(z, lab, 3, 2, NULL, dz, &loss);
    float lossf = (float)loss;
    close_all("net_loss", &lossf, ref("net_loss", 1), 1);
    mrl_nn_bwd_opts_t bo;
    mrl_nn_bwd_opts_default(&bo);
    bo.weights = 1;
    mrl_model_zero_grads(m);
    CHECK(mrl_nn_backward(nn, 13, dz, &bo) == 0);
    CHECK(mrl_nn_read(nn, -1, 1, dx) == 0);
    close_all("net_dx", dx, ref("net_dx", 1260), 1260);
    close_all("net_grads", mrl_model_grads(m), ref("net_grads", P), P);

    /* three training steps (eval-mode forward: dropout off) with Adam */
    mrl_adam_opts_t ao;
    mrl_adam_opts_default(&ao);
    float losses[3];
    bo.stop = 0;
    for (int t = 0; t < 3; t++) {
        CHECK(mrl_nn_forward(nn, x, 3, MRL_NN_EXPLAIN, NULL) == 0);
        CHECK(mrl_nn_read(nn, 13, 0, z) == 0);
        mrl_nn_softmax_xent(z, lab, 3, 2, NULL, dz, &loss);
        losses[t] = (float)loss;
        mrl_model_zero_grads(m);
        CHECK(mrl_nn_backward(nn, 13, dz, &bo) == 0);
        mrl_model_adam_step(m, &ao);
    }
    close_all("net_train_losses", losses, ref("net_train_losses", 3), 3);
    close_all("net_train_params", mrl_model_params(m), ref("net_train_params", P), P);
    mrl_nn_free(nn);
    mrl_model_free(m);
}

int main(void)
{
    const char *path = getenv("MIRLENS_NN_REF");
    if (!path)
        path = "tests/data/nn/ref_nn.txt";
    if (load_ref(path) <= 0) {
        fprintf(stderr, "FAIL cannot read %s\n", path);
        return 1;
    }
    for (int threads = 1; threads <= 2; threads++) {
        test_conv("k3v", 3, 0, threads);
        test_conv("k3s", 3, 1, threads);
        test_conv("k5s", 5, 1, threads);
        test_conv("k4s", 4, 1, threads);
        test_pool(threads);
        test_relu(threads);
        test_fused_relu_rules(threads);
        test_dense(threads);
        test_network(threads);
    }
    test_xent_adam();
    for (int i = 0; i < n_vecs; i++)
        free(vecs[i].v);
    return test_summary("test_nn_ref");
}
