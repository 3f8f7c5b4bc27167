/*
 * test_nn_kernels.c - no slow path: every layer kernel the engine creates (forward,
 * input-gradient and weight-gradient passes; k = 3 and 5; f32 and bf16; batch sizes 1, 7
 * and 128; 1 and 2 threads) is one of oneDNN's optimised implementations, never its
 * reference one. A reference kernel is 10-100x slower and gives the same numbers, so the
 * other tests cannot see it (the bf16 backward-data pass on AVX512-BF16 CPUs without AMX
 * once ran there: test_nn_bf16 took 5 minutes instead of 2 seconds). Skipped on a CPU
 * without AVX2, where oneDNN has few optimised kernels.
 */
#include "mirlens.h"
#include "test.h"

#define NMAX 128

/* Train, explain (standard and guided backward to the input) and predict at batch n. */
static void exercise(mrl_nn_t *nn, mrl_model_t *m, const float *x, size_t n, size_t img)
{
    int L = mrl_model_arch(m)->n_layers, lab[NMAX];
    float dy[2 * NMAX], probs[2 * NMAX], *g = malloc(n * img * sizeof *g);
    for (size_t i = 0; i < n; i++)
        lab[i] = (int)(i % 2), dy[2 * i] = 0, dy[2 * i + 1] = 1;
    mrl_adam_opts_t ao;
    mrl_adam_opts_default(&ao);
    mrl_rng_t rng;
    mrl_rng_init(&rng, 1, 1);
    CHECK(mrl_nn_train_step(nn, x, lab, NULL, n, &ao, &rng, NULL, NULL) == 0);
    mrl_nn_bwd_opts_t bo;
    mrl_nn_bwd_opts_default(&bo);
    CHECK(mrl_nn_forward(nn, x, n, MRL_NN_EXPLAIN, NULL) == 0);
    CHECK(mrl_nn_backward(nn, L - 1, dy, &bo) == 0);
    CHECK(mrl_nn_read(nn, -1, 1, g) == 0);
    bo.relu_rule = MRL_RELU_GUIDED;
    CHECK(mrl_nn_backward(nn, L - 1, dy, &bo) == 0);
    CHECK(mrl_nn_predict(nn, x, n, probs) == 0);
    free(g);
}

static int avx2; /* the kernels' ISA is AVX2 or above */

static void no_reference_kernels(int k, int precision, int threads)
{
    mrl_arch_t a;
    mrl_arch_default(&a, k);
    mrl_model_t *m = NULL;
    if (mrl_model_new(&m, &a, 7) != 0) {
        CHECK(!"mrl_model_new");
        return;
    }
    size_t img = (size_t)a.in_c * a.in_h * a.in_w;
    float *x = malloc(NMAX * img * sizeof *x);
    test_hairpin_x(m, x, 0);
    test_hairpin_x(m, x + img, 1);
    for (size_t n = 2; n < NMAX; n++)
        memcpy(x + n * img, x + (n % 2) * img, img * sizeof *x);
    mrl_nn_t *nn = test_nn_ctx_prec(m, threads, precision);
    static const size_t sizes[] = {1, 7, NMAX};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
        exercise(nn, m, x, sizes[s], img);
    int nref = mrl_nn_reference_kernels(nn);
    fprintf(stderr, "test_nn_kernels: k=%d %s (%s) %d thread(s): %d reference kernel(s)\n", k,
            precision == MRL_PREC_BF16 ? "bf16" : "f32",
            mrl_nn_precision(nn) == MRL_PREC_BF16 ? "bf16 layers" : "all layers f32", threads,
            nref);
    if (avx2)
        CHECK_INT(nref, 0);
    mrl_nn_free(nn);
    mrl_model_free(m);
    free(x);
}

int main(void)
{
    /* ISA-specific: below AVX2 (a CPU without it, or ONEDNN_MAX_CPU_ISA=SSE41) oneDNN has
     * reference kernels only for some passes: every pass is still run, not counted */
    const char *isa = mrl_cpu_isa();
    avx2 = strcmp(isa, "sse41") != 0 && strcmp(isa, "avx") != 0;
    if (!avx2)
        fprintf(stderr, "test_nn_kernels: cpu %s (below AVX2): reference kernels allowed\n", isa);
    for (int k = 3; k <= 5; k += 2)
        for (int t = 1; t <= 2; t++) {
            no_reference_kernels(k, MRL_PREC_F32, t);
            no_reference_kernels(k, MRL_PREC_BF16, t);
        }
    return test_summary("test_nn_kernels");
}
