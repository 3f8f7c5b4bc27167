/*
 * test_train.c - the training loop: a seed gives bit-identical weights; a run killed after
 * an epoch and resumed from its checkpoint ends with exactly the weights of an
 * uninterrupted run; early stopping restores the best epoch; the loss goes down on an easy
 * synthetic task.
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
