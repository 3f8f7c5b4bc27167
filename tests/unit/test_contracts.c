/*
 * test_contracts.c - what the library refuses rather than answers misleadingly (issue 25,
 * items 1, 2, 7, 8): a resume whose data or options differ from its checkpoint's (named,
 * with both values), while the epochs and threads may change and give the uninterrupted
 * run's weights; a training set of one class; a FASTA record with an empty id; and the
 * longest training length a model records (unknown when absent, merged by maximum, kept
 * through save and load).
 */
#include <unistd.h>
#include "test.h"
#include "mirlens.h"

/* n synthetic images, labels alternating 0/1 from first (a black block marks class 1). */
static mrl_imageset_t *make_set(size_t n, int first, int only)
{
    mrl_imageset_t *s = NULL;
    if (mrl_imageset_new(&s) < 0)
        return NULL;
    uint8_t img[MRL_IMG_BYTES];
    for (size_t k = 0; k < n; k++) {
        int pos = only >= 0 ? only : (int)((k + (size_t)first) % 2);
        memset(img, 255, sizeof img);
        for (int row = 4; pos && row < 21; row++)
            memset(img + (row * MRL_IMG_W + (int)(k * 7 % 80)) * 3, 0, 20 * 3);
        char name[16];
        snprintf(name, sizeof name, "img%zu", k);
        if (mrl_imageset_push(s, img, pos, name) < 0) {
            mrl_imageset_free(s);
            return NULL;
        }
    }
    return s;
}

static mrl_model_t *small_model(uint64_t seed)
{
    mrl_arch_t a;
    mrl_arch_default(&a, 3);
    for (int k = 0; k < a.n_layers; k++) {
        if (a.layer[k].kind == MRL_LAYER_CONV)
            a.layer[k].out = 4;
        if (a.layer[k].kind == MRL_LAYER_DENSE && k < a.n_layers - 1)
            a.layer[k].out = 8;
    }
    mrl_model_t *m = NULL;
    return mrl_model_new(&m, &a, seed) < 0 ? NULL : m;
}

static int same_params(mrl_model_t *a, mrl_model_t *b)
{
    return mrl_model_nparams(a) == mrl_model_nparams(b) &&
           !memcmp(mrl_model_params(a), mrl_model_params(b), mrl_model_nparams(a) * sizeof(float));
}

static int has(const char *msg, const char *want)
{
    if (strstr(msg, want))
        return 1;
    fprintf(stderr, "  message: %s\n  lacks: %s\n", msg, want);
    return 0;
}

/* Resume ck with options o on tr: the return code; the message is mrl_errmsg(). */
static int resume(const char *ck, const mrl_imageset_t *tr, const mrl_train_opts_t *o)
{
    mrl_model_t *c = NULL;
    int rc = mrl_model_load(&c, ck);
    if (rc == 0)
        rc = mrl_train(c, tr, NULL, o, ck);
    mrl_model_free(c);
    return rc;
}

static void test_resume(void)
{
    mrl_imageset_t *tr = make_set(12, 0, -1), *other = make_set(12, 1, -1);
    CHECK(tr && other);
    mrl_train_opts_t o, x;
    mrl_train_opts_default(&o);
    o.epochs = 1;
    o.batch = 4;
    o.seed = 5;
    o.threads = 1;
    o.run_options = "kernel=3 dense=8";
    char ck[96];
    snprintf(ck, sizeof ck, "/tmp/mirlens_test_contracts_%ld.ckpt", (long)getpid());
    o.checkpoint = ck;
    mrl_model_t *m = small_model(5), *full = small_model(5);
    CHECK_INT(mrl_train(m, tr, NULL, &o, NULL), 0);
    const char *run = mrl_model_meta_get(m, "train_run");
    CHECK(run && has(run, "lr=0.001 ") && has(run, "seed=5 ") && has(run, "batch=4 ") &&
          has(run, "training_data=12/6/") && has(run, " kernel=3 dense=8"));

    /* each option that determines the run, changed, is refused by name with both values */
    x = o, x.adam.lr = 0.01f;
    CHECK_INT(resume(ck, tr, &x), MRL_ERR_ARG);
    CHECK(has(mrl_errmsg(), "belongs to another run: lr was 0.001 there, is 0.01 here"));
    x = o, x.seed = 6;
    CHECK_INT(resume(ck, tr, &x), MRL_ERR_ARG);
    CHECK(has(mrl_errmsg(), "seed was 5 there, is 6 here"));
    x = o, x.batch = 3;
    CHECK_INT(resume(ck, tr, &x), MRL_ERR_ARG);
    CHECK(has(mrl_errmsg(), "batch was 4 there, is 3 here"));
    x = o, x.class_weight_balanced = 1;
    CHECK_INT(resume(ck, tr, &x), MRL_ERR_ARG);
    CHECK(has(mrl_errmsg(), "class_weight was 1,1 there, is balanced here"));
    x = o, x.shuffle_labels = 1;
    CHECK_INT(resume(ck, tr, &x), MRL_ERR_ARG);
    CHECK(has(mrl_errmsg(), "shuffle_labels was 0 there, is 1 here"));
    x = o, x.run_options = "kernel=5 dense=8";
    CHECK_INT(resume(ck, tr, &x), MRL_ERR_ARG);
    CHECK(has(mrl_errmsg(), "kernel was 3 there, is 5 here"));
    x = o, x.run_options = NULL; /* a key of the checkpoint's that this run lacks */
    CHECK_INT(resume(ck, tr, &x), MRL_ERR_ARG);
    CHECK(has(mrl_errmsg(), "kernel=3 there, kernel absent here"));
    x = o, x.val_split = 0.5;
    CHECK_INT(resume(ck, tr, &x), MRL_ERR_ARG);
    /* other data of the same size and class counts: the contents differ */
    CHECK_INT(resume(ck, other, &o), MRL_ERR_ARG);
    CHECK(has(mrl_errmsg(), "training_data (images/positives/CRC-32) was 12/6/"));
    CHECK(has(mrl_errmsg(), "resume with the same inputs"));

    /* epochs and threads may change: the resumed run ends with the uninterrupted weights */
    x = o, x.epochs = 2, x.threads = 2, x.checkpoint = NULL;
    mrl_model_t *c = NULL;
    CHECK_INT(mrl_model_load(&c, ck), 0);
    if (c)
        CHECK_INT(mrl_train(c, tr, NULL, &x, ck), 0);
    x.threads = 1;
    CHECK_INT(mrl_train(full, tr, NULL, &x, NULL), 0);
    CHECK(c && same_params(c, full));

    /* a checkpoint that records no run cannot be checked: refused */
    mrl_model_t *old = NULL;
    CHECK_INT(mrl_model_load(&old, ck), 0);
    if (old) {
        CHECK_INT(mrl_model_meta_set(old, "train_run", ""), 0);
        CHECK_INT(mrl_train(old, tr, NULL, &o, ck), MRL_ERR_ARG);
        CHECK(has(mrl_errmsg(), "training_data"));
    }
    char st[112];
    snprintf(st, sizeof st, "%s.state", ck);
    unlink(ck);
    unlink(st);
    mrl_model_free(old);
    mrl_model_free(c);
    mrl_model_free(m);
    mrl_model_free(full);
    mrl_imageset_free(tr);
    mrl_imageset_free(other);
}

static void test_one_class(void)
{
    mrl_imageset_t *neg = make_set(6, 0, 0), *pos = make_set(6, 0, 1);
    mrl_train_opts_t o;
    mrl_train_opts_default(&o);
    o.epochs = 1;
    o.batch = 4;
    o.threads = 1;
    mrl_model_t *m = small_model(1);
    CHECK(neg && pos && m);
    CHECK_INT(mrl_train(m, neg, NULL, &o, NULL), MRL_ERR_ARG);
    CHECK(has(mrl_errmsg(), "training needs both classes: the training set has 6 images, no "
                            "positives"));
    CHECK_INT(mrl_train(m, pos, NULL, &o, NULL), MRL_ERR_ARG);
    CHECK(has(mrl_errmsg(), "no negatives"));
    o.shuffle_labels = 1; /* a permutation keeps the counts */
    CHECK_INT(mrl_train(m, pos, NULL, &o, NULL), MRL_ERR_ARG);
    /* a split that leaves one class: 1 positive of 3, half held out rounds to 1 */
    mrl_imageset_t *mix = make_set(3, 1, -1); /* labels 1, 0, 1 */
    mrl_train_opts_default(&o);
    o.epochs = 1, o.threads = 1, o.val_split = 0.5;
    CHECK(mix != NULL);
    CHECK_INT(mrl_train(m, mix, NULL, &o, NULL), MRL_ERR_ARG);
    mrl_imageset_free(mix);
    mrl_model_free(m);
    mrl_imageset_free(neg);
    mrl_imageset_free(pos);
}

static void test_empty_id(void)
{
    char path[96];
    snprintf(path, sizeof path, "/tmp/mirlens_test_contracts_%ld.fa", (long)getpid());
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs(">a\nGGGGAAACCCC\n>\nGGGGAAACCCC\n", f);
    fclose(f);
    mrl_imageset_t *s = NULL;
    CHECK_INT(mrl_imageset_new(&s), 0);
    mrl_fe_opts_t fe;
    mrl_fe_opts_default(&fe);
    CHECK_INT(mrl_imageset_add_fasta(s, path, 1, &fe, NULL), MRL_ERR_PARSE);
    char want[160];
    snprintf(want, sizeof want, "%s, line 3: record 2 has an empty id", path);
    CHECK(has(mrl_errmsg(), want));
    CHECK_INT((long)s->n, 0);
    mrl_imageset_free(s);
    unlink(path);
}

static void test_longest(void)
{
    mrl_model_t *m = small_model(2), *back = NULL;
    long v = -1;
    CHECK(m != NULL);
    CHECK_INT(mrl_model_length_longest(m, &v), 0); /* a new model: unknown */
    CHECK_INT(v, -1);
    CHECK_INT(mrl_model_set_length_longest(m, 120, 0), 0);
    CHECK_INT(mrl_model_length_longest(m, &v), 1);
    CHECK_INT(v, 120);
    CHECK_INT(mrl_model_set_length_longest(m, 90, 1), 0); /* merged: the larger */
    CHECK_INT(mrl_model_length_longest(m, &v), 1);
    CHECK_INT(v, 120);
    CHECK_INT(mrl_model_set_length_longest(m, 90, 0), 0); /* replaced */
    CHECK_INT(mrl_model_length_longest(m, &v), 1);
    CHECK_INT(v, 90);
    CHECK_INT(mrl_model_set_length_longest(m, 0, 0), MRL_ERR_ARG);
    char path[96];
    snprintf(path, sizeof path, "/tmp/mirlens_test_contracts_%ld.mrlm", (long)getpid());
    CHECK_INT(mrl_model_save(m, path), 0);
    CHECK_INT(mrl_model_load(&back, path), 0);
    v = -1;
    CHECK(back && mrl_model_length_longest(back, &v) == 1 && v == 90);
    /* a value that is not a positive length reads as unknown */
    CHECK_INT(mrl_model_meta_set(m, "train_length_longest", "12x"), 0);
    CHECK_INT(mrl_model_length_longest(m, &v), 0);
    CHECK_INT(mrl_model_meta_set(m, "train_length_longest", "-4"), 0);
    CHECK_INT(mrl_model_length_longest(m, &v), 0);
    unlink(path);
    mrl_model_free(back);
    mrl_model_free(m);
}

int main(void)
{
    test_resume();
    test_one_class();
    test_empty_id();
    test_longest();
    return test_summary("test_contracts");
}
