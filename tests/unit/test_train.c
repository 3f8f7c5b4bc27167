/*
 * test_train.c - the training loop: a seed gives bit-identical weights; a run killed after
 * an epoch and resumed from its checkpoint ends with exactly the weights of an
 * uninterrupted run; early stopping restores the best epoch; the loss goes down on an easy
 * synthetic task. The data options, by hand: balanced class weights of a 3:1 set, the sizes
 * of a stratified validation split and its seed, shuffled labels (a permutation, counts
 * kept, the caller's set untouched), and that training with them equals training on the
 * sets they describe.
 */
#include <unistd.h>
#include "test.h"
#include "mirlens.h"

/* Synthetic images: positives carry a black block at a random place, negatives are blank. */
static mrl_imageset_t *make_set(size_t n, uint64_t seed)
{
    mrl_imageset_t *s = calloc(1, sizeof *s);
    s->n = n;
    s->rgb = malloc(n * MRL_IMG_BYTES);
    s->labels = malloc(n);
    s->names = calloc(n, sizeof(char *));
    mrl_rng_t r;
    mrl_rng_init(&r, seed, 3);
    for (size_t k = 0; k < n; k++) {
        uint8_t *img = s->rgb + k * MRL_IMG_BYTES;
        memset(img, 255, MRL_IMG_BYTES);
        int pos = (int)(k % 2);
        int col = (int)mrl_rng_below(&r, 80);
        for (int row = 4; pos && row < 21; row++)
            memset(img + (row * MRL_IMG_W + col) * 3, 0, 20 * 3);
        s->labels[k] = (int8_t)pos;
        s->names[k] = malloc(16);
        snprintf(s->names[k], 16, "img%zu", k);
    }
    return s;
}

static mrl_model_t *small_model(uint64_t seed)
{
    mrl_arch_t a;
    mrl_arch_default(&a, 3);
    for (int k = 0; k < a.n_layers; k++) {
        if (a.layer[k].kind == MRL_LAYER_CONV)
            a.layer[k].out = 8;
        if (a.layer[k].kind == MRL_LAYER_DENSE && k < a.n_layers - 1)
            a.layer[k].out = 32;
        if (a.layer[k].kind == MRL_LAYER_DROPOUT)
            a.layer[k].rate = 0.1f;
    }
    mrl_model_t *m = NULL;
    if (mrl_model_new(&m, &a, seed) < 0)
        return NULL;
    return m;
}

static int same_params(mrl_model_t *a, mrl_model_t *b)
{
    return mrl_model_nparams(a) == mrl_model_nparams(b) &&
           !memcmp(mrl_model_params(a), mrl_model_params(b), mrl_model_nparams(a) * sizeof(float));
}

/* What on_start reported, its borrowed arrays copied (sets of at most 64 images). */
typedef struct {
    int calls;
    mrl_train_start_t s;
    size_t ti[64], vi[64];
    int8_t tl[64], vl[64];
} seen_t;

static void on_start(void *ud, const mrl_train_start_t *s)
{
    seen_t *z = ud;
    z->calls++;
    z->s = *s;
    memcpy(z->ti, s->train_index, s->n_train * sizeof *z->ti);
    memcpy(z->tl, s->train_labels, s->n_train);
    if (s->n_val) {
        memcpy(z->vi, s->val_index, s->n_val * sizeof *z->vi);
        memcpy(z->vl, s->val_labels, s->n_val);
    }
}

/* The data mrl_train would train m on (0 epochs): its return code, the report in *z. */
static int prepare_only(mrl_model_t *m, const mrl_imageset_t *tr, const mrl_imageset_t *va,
                        const mrl_train_opts_t *o0, seen_t *z)
{
    mrl_train_opts_t o = *o0;
    o.epochs = 0;
    o.on_start = on_start;
    o.ud = z;
    memset(z, 0, sizeof *z);
    return mrl_train(m, tr, va, &o, NULL);
}

/* 16 images, 12 negative and 4 positive (3:1): images 3, 7, 11, 15 are positive. */
static mrl_imageset_t *make_set31(void)
{
    mrl_imageset_t *s = make_set(16, 5);
    for (size_t k = 0; k < s->n; k++)
        s->labels[k] = (int8_t)(k % 4 == 3);
    return s;
}

/* Balanced weights w_c = n / (2 n_c): 16 / 24 and 16 / 8; 9:3 after a quarter is held out
 * (3 of 12 and 1 of 4) gives the same. */
static void test_class_weights(mrl_model_t *m, const mrl_imageset_t *s31)
{
    mrl_train_opts_t o;
    mrl_train_opts_default(&o);
    CHECK_INT(o.class_weight_balanced, 0);
    seen_t z;
    CHECK_INT(prepare_only(m, s31, NULL, &o, &z), 0);
    CHECK(z.calls == 1 && z.s.class_weight[0] == 1.0f && z.s.class_weight[1] == 1.0f);
    o.class_weight_balanced = 1;
    CHECK_INT(prepare_only(m, s31, NULL, &o, &z), 0);
    CHECK_INT(z.s.n_train, 16);
    CHECK_INT(z.s.n_train_pos, 4);
    CHECK(z.s.class_weight[0] == (float)(16.0 / 24.0) && z.s.class_weight[1] == 2.0f);
    o.val_split = 0.25;
    CHECK_INT(prepare_only(m, s31, NULL, &o, &z), 0);
    CHECK_INT(z.s.n_train, 12);
    CHECK_INT(z.s.n_train_pos, 3);
    CHECK_INT(z.s.n_val, 4);
    CHECK(z.s.class_weight[0] == (float)(12.0 / 18.0) && z.s.class_weight[1] == 2.0f);
    /* given weights are kept; balanced ones replace them */
    o.class_weight_balanced = 0;
    o.class_weight[0] = 0.5f, o.class_weight[1] = 3.0f;
    CHECK_INT(prepare_only(m, s31, NULL, &o, &z), 0);
    CHECK(z.s.class_weight[0] == 0.5f && z.s.class_weight[1] == 3.0f);
    /* one class: refused */
    mrl_imageset_t *one = make_set(8, 6);
    memset(one->labels, 0, one->n);
    o.class_weight_balanced = 1;
    o.val_split = 0;
    CHECK_INT(prepare_only(m, one, NULL, &o, &z), MRL_ERR_ARG);
    CHECK(strstr(mrl_errmsg(), "needs both classes") != NULL && z.calls == 0);
    mrl_imageset_free(one);
}

/* Rows 0..n-1 each once in a[0..na) and b[0..nb). */
static int partition(const size_t *a, size_t na, const size_t *b, size_t nb, size_t n)
{
    int seen[64] = {0};
    for (size_t k = 0; k < na + nb; k++) {
        size_t r = k < na ? a[k] : b[k - na];
        if (r >= n || seen[r]++)
            return 0;
    }
    return na + nb == n;
}

/* Reported rows: labels as in s, negatives before positives, each class in input order. */
static int rows_ok(const mrl_imageset_t *s, const size_t *row, const int8_t *lab, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (lab[k] != s->labels[row[k]])
            return 0;
        if (k > 0 && lab[k] * 100 + (long)row[k] <= lab[k - 1] * 100 + (long)row[k - 1])
            return 0;
    }
    return 1;
}

/* val_split 0.3 holds out round(0.3 * 12) = 4 of the 12 negatives and round(0.3 * 4) = 1 of
 * the 4 positives; the same seed holds out the same rows, another seed others. */
static void test_split(mrl_model_t *m, const mrl_imageset_t *s31, const mrl_imageset_t *va)
{
    mrl_train_opts_t o;
    mrl_train_opts_default(&o);
    CHECK(o.val_split == 0);
    o.val_split = 0.3;
    seen_t z, z2;
    CHECK_INT(prepare_only(m, s31, NULL, &o, &z), 0);
    CHECK_INT(z.s.n_val, 5);
    CHECK_INT(z.s.n_train, 11);
    CHECK_INT(z.s.n_train_pos, 3);
    CHECK(partition(z.ti, z.s.n_train, z.vi, z.s.n_val, 16));
    CHECK(rows_ok(s31, z.ti, z.tl, z.s.n_train) && rows_ok(s31, z.vi, z.vl, z.s.n_val));
    CHECK(z.vl[3] == 0 && z.vl[4] == 1);
    CHECK_INT(prepare_only(m, s31, NULL, &o, &z2), 0);
    CHECK(memcmp(z.vi, z2.vi, 5 * sizeof *z.vi) == 0);
    int other = 0;
    for (o.seed = 2; o.seed < 10; o.seed++) {
        CHECK_INT(prepare_only(m, s31, NULL, &o, &z2), 0);
        other += z2.s.n_val == 5 && memcmp(z.vi, z2.vi, 5 * sizeof *z.vi) != 0;
    }
    CHECK(other > 0);
    /* given validation images: no split */
    CHECK_INT(prepare_only(m, s31, va, &o, &z), 0);
    CHECK(z.s.n_train == 16 && z.s.n_val == va->n && z.ti[15] == 15 && z.vi[3] == 3);
    /* a fraction outside [0, 1); nothing left to train on (the one negative and the one
     * positive both held out) */
    double bad[] = {1.0, -0.1, (double)NAN};
    for (int k = 0; k < 3; k++) {
        o.val_split = bad[k];
        CHECK_INT(prepare_only(m, s31, NULL, &o, &z), MRL_ERR_ARG);
    }
    mrl_imageset_t *two = make_set(2, 4);
    o.val_split = 0.5;
    CHECK_INT(prepare_only(m, two, NULL, &o, &z), MRL_ERR_ARG);
    CHECK(strcmp(mrl_errmsg(), "no training images") == 0 && z.calls == 0);
    mrl_imageset_free(two);
}

/* shuffle_labels: the training labels are permuted by Fisher-Yates from PCG32(seed, 3), so
 * their counts stay; the validation labels too (stream 4); the caller's sets stay as they
 * are; the model says shuffled_labels=1, and 0 once trained on true labels again. */
static void test_shuffle(mrl_model_t *m, const mrl_imageset_t *s31, const mrl_imageset_t *va)
{
    mrl_train_opts_t o;
    mrl_train_opts_default(&o);
    CHECK_INT(o.shuffle_labels, 0);
    o.shuffle_labels = 1;
    o.seed = 7;
    int8_t before[16], vbefore[16], want[16];
    memcpy(before, s31->labels, 16);
    memcpy(vbefore, va->labels, 16);
    seen_t z, z2;
    CHECK_INT(prepare_only(m, s31, va, &o, &z), 0);
    CHECK(memcmp(s31->labels, before, 16) == 0 && memcmp(va->labels, vbefore, 16) == 0);
    memcpy(want, before, 16);
    mrl_rng_t r;
    mrl_rng_init(&r, 7, 3);
    for (size_t k = 15; k > 0; k--) {
        size_t j = mrl_rng_below(&r, (uint32_t)(k + 1));
        int8_t t = want[k];
        want[k] = want[j], want[j] = t;
    }
    CHECK(memcmp(z.tl, want, 16) == 0 && memcmp(z.tl, before, 16) != 0);
    int npos = 0, vpos = 0, vpos0 = 0;
    for (int k = 0; k < 16; k++)
        npos += z.tl[k], vpos += z.vl[k], vpos0 += vbefore[k];
    CHECK(npos == 4 && z.s.n_train_pos == 4 && z.ti[7] == 7);
    CHECK(vpos == vpos0 && memcmp(z.vl, vbefore, 16) != 0);
    CHECK_INT(prepare_only(m, s31, va, &o, &z2), 0);
    CHECK(memcmp(z.tl, z2.tl, 16) == 0 && memcmp(z.vl, z2.vl, 16) == 0);
    CHECK_STR(mrl_model_meta_get(m, "shuffled_labels"), "1");
    /* a held-out set is shuffled like a given one: its one positive among 5 stays one */
    o.val_split = 0.3;
    CHECK_INT(prepare_only(m, s31, NULL, &o, &z), 0);
    CHECK(z.s.n_val == 5 && z.vl[0] + z.vl[1] + z.vl[2] + z.vl[3] + z.vl[4] == 1);
    CHECK(z.s.n_train_pos == 3);
    o.shuffle_labels = 0;
    CHECK_INT(prepare_only(m, s31, NULL, &o, &z), 0);
    CHECK_STR(mrl_model_meta_get(m, "shuffled_labels"), "0");
}

/* Training with the data options gives the weights of training on the sets they describe,
 * bit for bit: the options are rows of the caller's set, not a different computation. */
static void test_equivalent(void)
{
    mrl_imageset_t *s = make_set(32, 1), *tr = NULL, *va = NULL;
    for (size_t k = 0; k < s->n; k++)
        s->labels[k] = (int8_t)(k % 4 == 3);
    mrl_train_opts_t o;
    mrl_train_opts_default(&o);
    o.epochs = 2, o.batch = 4, o.seed = 7, o.threads = 1, o.adam.lr = 0.003f;
    o.val_split = 0.25, o.shuffle_labels = 1, o.class_weight_balanced = 1;
    seen_t z;
    memset(&z, 0, sizeof z);
    o.on_start = on_start, o.ud = &z;
    mrl_model_t *a = small_model(7), *b = small_model(7);
    CHECK_INT(mrl_train(a, s, NULL, &o, NULL), 0);
    CHECK(z.calls == 1 && z.s.n_train == 24 && z.s.n_val == 8);
    CHECK(z.s.class_weight[0] == (float)(24.0 / 36.0) && z.s.class_weight[1] == 2.0f);
    CHECK(mrl_imageset_new(&tr) == 0 && mrl_imageset_new(&va) == 0);
    for (size_t k = 0; k < z.s.n_train; k++)
        CHECK(mrl_imageset_push(tr, s->rgb + z.ti[k] * MRL_IMG_BYTES, z.tl[k], "t") == 0);
    for (size_t k = 0; k < z.s.n_val; k++)
        CHECK(mrl_imageset_push(va, s->rgb + z.vi[k] * MRL_IMG_BYTES, z.vl[k], "v") == 0);
    mrl_train_opts_t p = o;
    p.val_split = 0, p.shuffle_labels = 0, p.class_weight_balanced = 0, p.on_start = NULL;
    p.class_weight[0] = z.s.class_weight[0], p.class_weight[1] = z.s.class_weight[1];
    CHECK_INT(mrl_train(b, tr, va, &p, NULL), 0);
    CHECK(same_params(a, b));
    mrl_model_free(a), mrl_model_free(b);
    mrl_imageset_free(s), mrl_imageset_free(tr), mrl_imageset_free(va);
}

int main(void)
{
    mrl_imageset_t *tr = make_set(32, 1), *va = make_set(16, 2);
    mrl_train_opts_t o;
    mrl_train_opts_default(&o);
    o.epochs = 3;
    o.batch = 4;
    o.seed = 7;
    o.threads = 1;
    o.adam.lr = 0.003f;

    mrl_model_t *a = small_model(7), *b = small_model(7), *c = NULL;
    CHECK(a && b);
    CHECK_INT(mrl_train(a, tr, va, &o, NULL), 0);
    o.threads = 2;
    CHECK_INT(mrl_train(b, tr, va, &o, NULL), 0);
    CHECK(same_params(a, b)); /* same seed, 1 vs 2 threads: identical */

    /* killed after 2 epochs, resumed to 3 */
    char ck[64];
    snprintf(ck, sizeof ck, "/tmp/mirlens_test_train_%ld.ckpt", (long)getpid());
    mrl_model_t *k2 = small_model(7);
    o.epochs = 2;
    o.checkpoint = ck;
    CHECK_INT(mrl_train(k2, tr, va, &o, NULL), 0);
    CHECK_INT(mrl_model_load(&c, ck), 0);
    o.epochs = 3;
    o.checkpoint = NULL;
    if (c) {
        CHECK_INT(mrl_train(c, tr, va, &o, ck), 0);
        CHECK(same_params(a, c));
    }
    /* a state file of another run is refused */
    mrl_model_t *other = small_model(8);
    CHECK(mrl_model_save(other, ck) == 0);
    mrl_model_t *d = NULL;
    CHECK_INT(mrl_model_load(&d, ck), 0);
    if (d) {
        CHECK(mrl_train(d, tr, va, &o, ck) < 0);
        CHECK(strstr(mrl_errmsg(), "does not belong") != NULL);
    }

    /* learning works on the easy task, and early stopping keeps the best epoch */
    mrl_model_t *e = small_model(3);
    o.epochs = 8;
    o.early_stop = 2;
    CHECK_INT(mrl_train(e, tr, va, &o, NULL), 0);
    mrl_nn_t *nn = NULL;
    mrl_nn_opts_t no;
    mrl_nn_opts_default(&no);
    no.threads = 1;
    float score[16];
    double loss = 1;
    CHECK_INT(mrl_nn_new(&nn, e, &no), 0);
    CHECK_INT(mrl_evaluate_set(nn, e, va, score, NULL, &loss), 0);
    const char *be = mrl_model_meta_get(e, "best_val_loss");
    CHECK(be != NULL);
    if (be)
        CHECK_CLOSE(loss, atof(be), 1e-5, 0); /* restored weights are the best epoch's */
    CHECK(loss < 0.6);
    printf("test_train: validation loss after early stopping %.4f (best epoch %s)\n", loss,
           mrl_model_meta_get(e, "best_epoch") ? mrl_model_meta_get(e, "best_epoch") : "?");

    mrl_nn_free(nn);

    mrl_imageset_t *s31 = make_set31();
    mrl_model_t *f = small_model(1);
    test_class_weights(f, s31);
    test_split(f, s31, va);
    test_shuffle(f, s31, va);
    test_equivalent();
    mrl_model_free(f);
    mrl_imageset_free(s31);

    unlink(ck);
    char st[96];
    snprintf(st, sizeof st, "%s.state", ck);
    unlink(st);
    mrl_model_free(a), mrl_model_free(b), mrl_model_free(c), mrl_model_free(k2);
    mrl_model_free(d), mrl_model_free(e), mrl_model_free(other);
    mrl_imageset_free(tr);
    mrl_imageset_free(va);
    return test_summary("test_train");
}
