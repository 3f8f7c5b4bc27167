/*
 * bench_nn.c - images per second of the CNN engine on the paper's network, one task per
 * run (so the peak resident memory printed belongs to that task):
 *   train128  one training step (forward with dropout, backward, Adam) on 128 images
 *   infer1 / infer256   class probabilities for 1 / 256 images
 *   grad1 / grad128     input gradient (saliency) of the class-1 logit for 1 / 128 images
 *   smooth50  SmoothGrad over guided backprop: 50 noisy copies (sigma 0.15) of one image
 * Output: "task images_per_second peak_rss_mib images_per_cpu_second" (the last is less
 * sensitive to other load on a shared machine). bench/bench_nn.sh runs both sides.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "mirlens.h"

static double clk(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double now(void)
{
    return clk(CLOCK_MONOTONIC);
}

typedef struct ctx {
    mrl_nn_t *nn;
    mrl_model_t *m;
    float *x, *noisy, *grad, *probs, *dy, *map;
    int *labels;
    mrl_rng_t rng;
    mrl_adam_opts_t ao;
    int L;
} ctx_t;

static int task(ctx_t *c, const char *t, size_t *n_img)
{
    size_t img = 3 * 25 * 100;
    mrl_nn_bwd_opts_t bo;
    mrl_nn_bwd_opts_default(&bo);
    if (strcmp(t, "train128") == 0) {
        *n_img = 128;
        return mrl_nn_train_step(c->nn, c->x, c->labels, NULL, 128, &c->ao, &c->rng, NULL, NULL);
    }
    if (strcmp(t, "infer1") == 0 || strcmp(t, "infer256") == 0) {
        *n_img = t[5] == '1' ? 1 : 256;
        return mrl_nn_predict(c->nn, c->x, *n_img, c->probs);
    }
    if (strcmp(t, "grad1") == 0 || strcmp(t, "grad128") == 0) {
        *n_img = t[4] == '1' && t[5] == 0 ? 1 : 128;
        int rc = mrl_nn_forward(c->nn, c->x, *n_img, MRL_NN_EXPLAIN, NULL);
        if (!rc)
            rc = mrl_nn_backward(c->nn, c->L - 1, c->dy, &bo);
        return rc ? rc : mrl_nn_read(c->nn, -1, 1, c->grad);
    }
    if (strcmp(t, "smooth50") == 0) {
        *n_img = 1;
        for (size_t i = 0; i < 50 * img; i++)
            c->noisy[i] = c->x[i % img] + 0.15f * mrl_rng_normal(&c->rng);
        bo.relu_rule = MRL_RELU_GUIDED;
        int rc = mrl_nn_forward(c->nn, c->noisy, 50, MRL_NN_EXPLAIN, NULL);
        if (!rc)
            rc = mrl_nn_backward(c->nn, c->L - 1, c->dy, &bo);
        if (!rc)
            rc = mrl_nn_read(c->nn, -1, 1, c->grad);
        for (size_t p = 0; !rc && p < img; p++) {
            float s = 0;
            for (size_t k = 0; k < 50; k++)
                s += c->grad[k * img + p];
            c->map[p] = s / 50;
        }
        return rc;
    }
    return -1;
}

int main(int argc, char **argv)
{
    int k = 5, threads = 2, bf16 = 0;
    double min_s = 2.0;
    const char *t = "train128";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--k") == 0)
            k = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--threads") == 0)
            threads = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--task") == 0)
            t = argv[i + 1];
        else if (strcmp(argv[i], "--min-seconds") == 0)
            min_s = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--precision") == 0)
            bf16 = strcmp(argv[i + 1], "bf16") == 0;
    }
    ctx_t c;
    memset(&c, 0, sizeof c);
    mrl_arch_t a;
    mrl_arch_default(&a, k);
    c.L = a.n_layers;
    mrl_nn_opts_t o;
    mrl_nn_opts_default(&o);
    o.threads = threads;
    o.precision = bf16 ? MRL_PREC_BF16 : MRL_PREC_F32;
    if (mrl_model_new(&c.m, &a, 1) != 0 || mrl_nn_new(&c.nn, c.m, &o) != 0) {
        fprintf(stderr, "bench_nn: %s\n", mrl_errmsg());
        return 1;
    }
    if (bf16 && mrl_nn_precision(c.nn) != MRL_PREC_BF16)
        fprintf(stderr, "bench_nn: no bf16 kernels on this CPU: f32\n");
    size_t img = 3 * 25 * 100, N = 256;
    c.x = malloc(N * img * sizeof(float));
    c.noisy = malloc(50 * img * sizeof(float));
    c.grad = malloc(N * img * sizeof(float));
    c.map = malloc(img * sizeof(float));
    c.probs = malloc(2 * N * sizeof(float));
    c.dy = malloc(2 * N * sizeof(float));
    c.labels = malloc(N * sizeof(int));
    mrl_rng_init(&c.rng, 1, 0);
    for (size_t i = 0; i < N * img; i++)
        c.x[i] = mrl_rng_uniform(&c.rng);
    for (size_t i = 0; i < N; i++)
        c.labels[i] = (int)(mrl_rng_u32(&c.rng) & 1), c.dy[2 * i] = 0, c.dy[2 * i + 1] = 1;
    mrl_adam_opts_default(&c.ao);
    size_t n_img = 0;
    for (int w = 0; w < 2; w++) /* warm-up: arena, kernels, weight layouts */
        if (task(&c, t, &n_img) != 0) {
            fprintf(stderr, "bench_nn: %s: %s\n", t, mrl_errmsg());
            return 1;
        }
    int reps = 0;
    double t0 = now(), c0 = clk(CLOCK_PROCESS_CPUTIME_ID), dt;
    do {
        if (task(&c, t, &n_img) != 0)
            return 1;
        reps++;
        dt = now() - t0;
    } while (dt < min_s || reps < 3);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = clk(CLOCK_PROCESS_CPUTIME_ID) - c0;
    printf("%s %.2f %.0f %.2f\n", t, (double)reps * (double)n_img / dt,
           (double)ru.ru_maxrss / 1024.0, (double)reps * (double)n_img / cpu);
    mrl_nn_free(c.nn);
    mrl_model_free(c.m);
    free(c.x), free(c.noisy), free(c.grad), free(c.map), free(c.probs), free(c.dy), free(c.labels);
    return 0;
}
