/*
 * test_nn_bf16.c - precision bf16 (convolutions after the first in bfloat16) against the
 * exact f32 engine on the shipped default model and real hairpin images: probabilities,
 * logits, input gradients (standard at batch 1, guided at batch 40) and training steps
 * stay close; the option is validated. On a CPU without fast bf16 kernels the layers stay
 * f32 (said on stderr) and the same bounds hold trivially.
 */
#include "mirlens.h"
#include "test.h"

#define N 40

/* N normalised images: the two test hairpins, each with pixel noise of growing size */
static float *images(const mrl_model_t *m, size_t img)
{
    float *x = malloc(N * img * sizeof(float)), *h = malloc(2 * img * sizeof(float));
    test_hairpin_x(m, h, 0);
    test_hairpin_x(m, h + img, 1);
    mrl_rng_t rng;
    mrl_rng_init(&rng, 3, 0);
    for (int n = 0; n < N; n++)
        for (size_t j = 0; j < img; j++)
            x[n * img + j] = h[(n % 2) * img + j] + 0.01f * (float)n * mrl_rng_normal(&rng);
    free(h);
    return x;
}

static double cosine(const float *a, const float *b, size_t len)
{
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < len; i++)
        ab += (double)a[i] * (double)b[i], aa += (double)a[i] * (double)a[i],
            bb += (double)b[i] * (double)b[i];
    return aa > 0 && bb > 0 ? ab / sqrt(aa * bb) : (aa == bb ? 1 : 0);
}

/* logits (n,2) and the input gradient of logit 1 (n images) under `rule` */
static void pass(mrl_nn_t *nn, const mrl_model_t *m, const float *x, size_t n, int rule,
                 float *logits, float *grad)
{
    int L = mrl_model_arch(m)->n_layers;
    float dy[2 * N];
    for (size_t i = 0; i < n; i++)
        dy[2 * i] = 0, dy[2 * i + 1] = 1;
    mrl_nn_bwd_opts_t bo;
    mrl_nn_bwd_opts_default(&bo);
    bo.relu_rule = rule;
    CHECK(mrl_nn_forward(nn, x, n, MRL_NN_EXPLAIN, NULL) == 0);
    CHECK(mrl_nn_read(nn, L - 1, 0, logits) == 0);
    CHECK(mrl_nn_backward(nn, L - 1, dy, &bo) == 0);
    CHECK(mrl_nn_read(nn, -1, 1, grad) == 0);
}

static void inference(void)
{
    mrl_model_t *m = NULL;
    CHECK(mrl_model_load(&m, "models/default.mrlm") == 0);
    if (!m) {
        fprintf(stderr, "test_nn_bf16: models/default.mrlm: %s\n", mrl_errmsg());
        return;
    }
    const mrl_arch_t *a = mrl_model_arch(m);
    size_t img = (size_t)a->in_c * a->in_h * a->in_w;
    float *x = images(m, img);
    mrl_nn_t *f = test_nn_ctx_prec(m, 2, MRL_PREC_F32), *b = test_nn_ctx_prec(m, 2, MRL_PREC_BF16);
    CHECK_INT(mrl_nn_precision(f), MRL_PREC_F32);
    /* ISA-specific: bf16 layers exactly where the kernels' ISA has bf16 units */
    fprintf(stderr, "test_nn_bf16: cpu %s: expecting %s\n", mrl_cpu_isa(),
            mrl_cpu_bf16() ? "bf16 layers" : "every layer f32 (the fallback)");
    CHECK_INT(mrl_nn_precision(b), mrl_cpu_bf16() ? MRL_PREC_BF16 : MRL_PREC_F32);

    float pf[2 * N], pb[2 * N];
    CHECK(mrl_nn_predict(f, x, N, pf) == 0);
    CHECK(mrl_nn_predict(b, x, N, pb) == 0);
    double dmax = 0;
    for (int i = 0; i < 2 * N; i++)
        dmax = fmax(dmax, fabs((double)pf[i] - (double)pb[i]));
    fprintf(stderr, "test_nn_bf16: max |p_bf16 - p_f32| = %.2e over %d images\n", dmax, N);
    CHECK(dmax <= 0.005); /* measured 5.7e-4 on AMX */

    float zf[2 * N], zb[2 * N], *gf = malloc(N * img * sizeof(float)),
                                *gb = malloc(N * img * sizeof(float));
    /* batch 1, standard gradient (kernels threaded inside in f32, one thread in bf16) */
    pass(f, m, x + img, 1, MRL_RELU_STANDARD, zf, gf);
    pass(b, m, x + img, 1, MRL_RELU_STANDARD, zb, gb);
    for (int i = 0; i < 2; i++)
        CHECK_CLOSE(zb[i], zf[i], 0.05, 0.03);
    double c1 = cosine(gf, gb, img);
    /* batch N, guided backprop (the SmoothGrad path: shards on our own threads) */
    pass(f, m, x, N, MRL_RELU_GUIDED, zf, gf);
    pass(b, m, x, N, MRL_RELU_GUIDED, zb, gb);
    int zok = 1;
    double cmin = 1;
    for (int n = 0; n < N; n++) {
        for (int i = 0; i < 2; i++)
            zok &= fabs((double)zb[2 * n + i] - (double)zf[2 * n + i]) <=
                   0.05 + 0.03 * fabs((double)zf[2 * n + i]);
        cmin = fmin(cmin, cosine(gf + n * img, gb + n * img, img));
    }
    fprintf(stderr,
            "test_nn_bf16: input-gradient cosine bf16 vs f32: %.4f (batch 1), >= %.4f "
            "(guided, batch %d)\n",
            c1, cmin, N);
    CHECK(zok);
    CHECK(c1 >= 0.98);
    CHECK(cmin >= 0.98);
    free(gf), free(gb), free(x);
    mrl_nn_free(f), mrl_nn_free(b);
    mrl_model_free(m);
}

/* Three Adam steps from the same weights: losses and the direction of every update agree. */
static void training(void)
{
    mrl_arch_t a;
    mrl_arch_default(&a, 5);
    a.in_w = 60;
    mrl_model_t *m[2];
    float *before = NULL;
    double loss[2][3];
    size_t img = (size_t)a.in_c * a.in_h * a.in_w, P = 0;
    for (int p = 0; p < 2; p++) {
        CHECK(mrl_model_new(&m[p], &a, 11) == 0);
        P = mrl_model_nparams(m[p]);
        if (!before) {
            before = malloc(P * sizeof(float));
            memcpy(before, mrl_model_params(m[p]), P * sizeof(float));
        }
        mrl_nn_t *nn = test_nn_ctx_prec(m[p], 2, p ? MRL_PREC_BF16 : MRL_PREC_F32);
        float *x = malloc(N * img * sizeof(float));
        int lab[N];
        mrl_rng_t rng, drop;
        mrl_rng_init(&rng, 5, 0);
        for (size_t i = 0; i < N * img; i++)
            x[i] = mrl_rng_uniform(&rng);
        for (int i = 0; i < N; i++)
            lab[i] = i % 3 == 0;
        mrl_adam_opts_t ao;
        mrl_adam_opts_default(&ao);
        mrl_rng_init(&drop, 77, 3);
        for (int t = 0; t < 3; t++)
            CHECK(mrl_nn_train_step(nn, x, lab, NULL, N, &ao, &drop, &loss[p][t], NULL) == 0);
        free(x);
        mrl_nn_free(nn);
    }
    for (int t = 0; t < 3; t++)
        CHECK_CLOSE(loss[1][t], loss[0][t], 0.01, 0.01);
    const float *w0 = mrl_model_params(m[0]), *w1 = mrl_model_params(m[1]);
    size_t moved = 0, agree = 0;
    for (size_t j = 0; j < P; j++) {
        float d0 = w0[j] - before[j], d1 = w1[j] - before[j];
        if (fabsf(d0) > 1e-4f) /* clearly moved in f32 (Adam steps are about lr = 1e-3) */
            moved++, agree += (d0 > 0) == (d1 > 0);
    }
    fprintf(stderr, "test_nn_bf16: %zu of %zu clearly moved parameters moved the same way\n", agree,
            moved);
    CHECK(moved > P / 2);
    CHECK(agree >= moved * 9 / 10);
    free(before);
    mrl_model_free(m[0]), mrl_model_free(m[1]);
}

static void bad_option(void)
{
    mrl_model_t *m;
    mrl_arch_t a;
    mrl_arch_default(&a, 3);
    CHECK(mrl_model_new(&m, &a, 1) == 0);
    mrl_nn_opts_t o;
    mrl_nn_opts_default(&o);
    CHECK_INT(o.precision, MRL_PREC_F32);
    o.precision = 7;
    mrl_nn_t *nn = NULL;
    CHECK_INT(mrl_nn_new(&nn, m, &o), MRL_ERR_ARG);
    CHECK(nn == NULL);
    CHECK(strstr(mrl_errmsg(), "precision") != NULL);
    mrl_model_free(m);
}

int main(void)
{
    inference();
    training();
    bad_option();
    return test_summary("test_nn_bf16");
}
