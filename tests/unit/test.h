/*
 * test.h - the smallest useful test harness: CHECK macros that count, TEST_SKIP for a part
 * that cannot run here, and a summary line "N passed, N failed, N skipped". Exit status:
 * 1 on any failure, else 77 (automake's "skipped") if any part was skipped, else 0.
 */
#ifndef MRL_TEST_H
#define MRL_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mirlens.h"

static int test_pass, test_fail, test_skip;

#define CHECK(c)                                                                                 \
    do {                                                                                         \
        if (c) {                                                                                 \
            test_pass++;                                                                         \
        } else {                                                                                 \
            test_fail++;                                                                         \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);                         \
        }                                                                                        \
    } while (0)

#define CHECK_INT(a, b)                                                                          \
    do {                                                                                         \
        long long va_ = (long long)(a), vb_ = (long long)(b);                                    \
        if (va_ == vb_) {                                                                        \
            test_pass++;                                                                         \
        } else {                                                                                 \
            test_fail++;                                                                         \
            fprintf(stderr, "FAIL %s:%d: %s == %s (%lld != %lld)\n", __FILE__, __LINE__, #a, #b, \
                    va_, vb_);                                                                   \
        }                                                                                        \
    } while (0)

#define CHECK_STR(a, b)                                                                          \
    do {                                                                                         \
        const char *sa_ = (a), *sb_ = (b);                                                       \
        if (sa_ && sb_ && strcmp(sa_, sb_) == 0) {                                               \
            test_pass++;                                                                         \
        } else {                                                                                 \
            test_fail++;                                                                         \
            fprintf(stderr, "FAIL %s:%d: %s == %s (\"%s\" != \"%s\")\n", __FILE__, __LINE__, #a, \
                    #b, sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");                             \
        }                                                                                        \
    } while (0)

/* |a-b| <= abs_tol + rel_tol*|b| */
#define CHECK_CLOSE(a, b, abs_tol, rel_tol)                                                      \
    do {                                                                                         \
        double da_ = (double)(a), db_ = (double)(b);                                             \
        if (fabs(da_ - db_) <= (abs_tol) + (rel_tol)*fabs(db_)) {                                \
            test_pass++;                                                                         \
        } else {                                                                                 \
            test_fail++;                                                                         \
            fprintf(stderr, "FAIL %s:%d: %s ~ %s (%.9g != %.9g)\n", __FILE__, __LINE__, #a, #b,  \
                    da_, db_);                                                                   \
        }                                                                                        \
    } while (0)

/* A part of the test that cannot run here (its data or a tool absent): says what and why
 * (printf-style) on stdout; the program then exits 77 unless a check failed. tests/run.sh
 * counts it as skipped, or as failed under CI=true where ../shared is present. */
#define TEST_SKIP(...)                                                                           \
    do {                                                                                         \
        test_skip++;                                                                             \
        printf("SKIP %s:%d: ", __FILE__, __LINE__);                                              \
        printf(__VA_ARGS__);                                                                     \
        printf("\n");                                                                            \
    } while (0)

/* Directory of the team's shared data (MIRLENS_SHARED or ../shared); NULL if absent. */
static inline const char *test_shared_dir(void)
{
    const char *d = getenv("MIRLENS_SHARED");
    if (!d || !*d)
        d = "../shared";
    char probe[4096];
    snprintf(probe, sizeof probe, "%s/golden", d);
    FILE *f = fopen(probe, "r");
    if (!f)
        return NULL;
    fclose(f);
    return d;
}

/* An engine context for m on `threads` threads; exits 2 (a broken test set-up) on failure. */
static inline mrl_nn_t *test_nn_ctx_prec(mrl_model_t *m, int threads, int precision)
{
    mrl_nn_t *nn = NULL;
    mrl_nn_opts_t o;
    mrl_nn_opts_default(&o);
    o.threads = threads;
    o.precision = precision;
    if (mrl_nn_new(&nn, m, &o) != 0) {
        fprintf(stderr, "nn_new: %s\n", mrl_errmsg());
        exit(2);
    }
    return nn;
}

static inline mrl_nn_t *test_nn_ctx(mrl_model_t *m, int threads)
{
    return test_nn_ctx_prec(m, threads, MRL_PREC_F32);
}

/* A hairpin image (normalised for m) of a small stem-loop (which = 0) or of
 * hsa-let-7a-1 (which = 1), for realistic inputs. */
static inline void test_hairpin_x(const mrl_model_t *m, float *x, int which)
{
    static const char *seq[2] = {
        "GGCUAGCUAGGAUCCGAAAGGAUCCUAGCUAGCC",
        "UGAGGUAGUAGGUUGUAUAGUUUUAGGGUCACACCCACCACUGGGAGAUAACUAUACAAUCUACUGUCUUUCC"};
    static const char *st[2] = {
        "((((((((((((......))))))))))))....",
        "(((((((((((((((((((((.....(((...((((....)))).)))))))))))))))))))))))))..."};
    mrl_hairpin_t hp;
    CHECK(mrl_encode_hairpin(seq[which], strlen(seq[which]), st[which], &hp) == 0);
    mrl_model_normalize(m, hp.rgb, 1, x);
}

static inline int test_summary(const char *name)
{
    printf("%s: %d passed, %d failed, %d skipped\n", name, test_pass, test_fail, test_skip);
    return test_fail ? 1 : test_skip ? 77 : 0;
}

#endif
