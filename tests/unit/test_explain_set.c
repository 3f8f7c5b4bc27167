/*
 * test_explain_set.c - a set explained in one pass (mrl_explain_set_run) and its report
 * (mrl_report_set_write), on a small untrained network: records read from FASTA with their
 * MI accessions; a fold without a hairpin loop refused and counted; every explained record's
 * probability the pipeline's, its group from its label at the threshold; the accumulators
 * fed image by image and sequence by sequence (what mrl_agg_add_map / mrl_agg_add_seq give
 * when called by hand with the pipeline's pair table); faithfulness on the evenly spaced
 * records, summed; examples the first of each group; the miRNA duplex of a positive from a
 * mature table; the sanity checks on the kept images; a rerun gives the same bits; the
 * sanity-only run keeps its records only; bad calls are refused. Then the report's files.
 */
#include <sys/stat.h>
#include <unistd.h>
#include "mirlens.h"
#include "test.h"

static char dir[64];

/* Three pre-miRNAs (let-7a-1, mir-21, a made-up stem-loop), a sequence that cannot fold into
 * a hairpin, two pseudo-hairpins. */
static const char *const pos_fa =
    ">hsa-let-7a-1 MI0000060 Homo sapiens let-7a-1 stem-loop\n"
    "UGGGAUGAGGUAGUAGGUUGUAUAGUUUUAGGGUCACACCCACCACUGGGAGAUAACUAUACAAUCUACUGUCUUUCCUA\n"
    ">hsa-mir-21 MI0000077\n"
    "UGUCGGGUAGCUUAUCAGACUGAUGUUGACUGUUGAAUCUCAUGGCAACACCAGUCGAUGGGCUGUC\n"
    ">flat\nAAAAAAAAAAAAAAAAAAAA\n"
    ">made<up>&\"x\" one\nGGCUAGCUAGGAUCCGAAAGGAUCCUAGCUAGCC\n";
static const char *const neg_fa =
    ">pseudo1\nCCUGGCCGCCGCGGCCAGGAAAACCUGGCCGCCGCGGCCAGGAAAACGCGCGAAAGCGCGC\n"
    ">pseudo2\nUGUUUGCAGGUAGACAUAUGCAAUUUCUUGGAUAAGCAGAUUUGUAUGCAUUGAGCCAGAGUCUCGCAGCAAACA\n";

static void write_file(const char *name, const char *text)
{
    char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        exit(2);
}

static void fill(mrl_explain_set_t *s)
{
    char p[128];
    mrl_explain_set_init(s);
    snprintf(p, sizeof p, "%s/pos.fa", dir);
    CHECK_INT(mrl_explain_set_add_fasta(s, p, 1, NULL), 0);
    snprintf(p, sizeof p, "%s/neg.fa", dir);
    CHECK_INT(mrl_explain_set_add_fasta(s, p, 0, NULL), 0);
}

static const int methods[2] = {MRL_EXPLAIN_GRADIENT, MRL_EXPLAIN_IG};

static void opts(mrl_explain_set_opts_t *o, const mrl_mature_tab_t *mat)
{
    mrl_explain_set_opts_default(o);
    o->methods = methods, o->n_methods = 2;
    o->ex.steps = 4;
    o->faith_n = 3, o->faith_steps = 4, o->faith_random = 1;
    o->sanity_n = 2, o->examples = 1, o->mature = mat;
    o->nn.threads = 1;
}

/* The accumulators as they must be: each explained record's maps (explained again here, one
 * image at a time) and nucleotides added by hand. */
static void check_sums(const mrl_explain_set_t *s, mrl_ensemble_t *e)
{
    mrl_nn_t *nn = mrl_ensemble_nn(e, 0);
    const mrl_model_t *m = mrl_ensemble_model(e, 0);
    mrl_agg_t *want = calloc(2, sizeof *want);
    for (int j = 0; want && j < 2; j++) /* motif windows of sensitivity maps by |share| */
        want[j].rank_abs = !mrl_explain_method_is_contribution(methods[j]);
    mrl_batch_t b;
    memset(&b, 0, sizeof b);
    b.keep_x = 1;
    float map[3 * MRL_IMG_H * MRL_IMG_W], map2d[MRL_IMG_H * MRL_IMG_W], attr[128];
    for (size_t k = 0; want && k < s->n; k++) {
        const mrl_explain_rec_t *r = &s->rec[k];
        CHECK(mrl_pipeline_run(e, NULL, (const char *const *)&r->seq, &r->len, 1, &b) == 0);
        if (b.rows == 0)
            continue;
        CHECK(memcmp(&b.prob[0], &r->prob, sizeof r->prob) == 0);
        for (int j = 0; j < 2; j++) {
            mrl_explain_opts_t eo = s->opts.ex;
            eo.method = methods[j];
            CHECK(mrl_explain(nn, m, b.x, 1, &eo, map, NULL) == 0);
            mrl_explain_channel_sum(map, 1, 3, MRL_IMG_H, MRL_IMG_W, map2d);
            mrl_agg_add_map(&want[j], r->group, map2d, b.items[0].hp.used);
            mrl_explain_nucleotides(&b.items[0].hp, map2d, r->len, attr, NULL);
            CHECK(mrl_agg_add_seq(&want[j], r->group, r->seq, b.items[0].partner,
                                  b.items[0].context, r->len, &b.items[0].hp, attr,
                                  r->duplex[0] >= 0 ? r->duplex : NULL) == 0);
        }
    }
    for (int j = 0; want && j < 2; j++)
        CHECK(memcmp(&want[j], &s->agg[j], sizeof want[j]) == 0);
    mrl_batch_release(&b);
    free(want);
}

static void check_run(const mrl_explain_set_t *s)
{
    CHECK_INT(s->n, 6);
    CHECK_INT(s->n_done, 5);
    CHECK_INT(s->n_refused, 1);
    CHECK(s->rec[2].refused && isnan(s->rec[2].prob) && s->rec[2].group == -1);
    CHECK_STR(s->rec[0].acc, "MI0000060");
    CHECK_STR(s->rec[3].acc, "");
    for (size_t k = 0; k < s->n; k++) {
        const mrl_explain_rec_t *r = &s->rec[k];
        if (r->refused)
            continue;
        CHECK_INT(r->group, mrl_outcome_of(r->label, r->prob, s->opts.threshold));
    }
    /* faithfulness on 3 of the 6 records, evenly spaced: 1, 3 and 5 */
    CHECK(!s->rec[0].faith_auc && s->rec[1].faith_auc && !s->rec[2].faith_auc &&
          s->rec[3].faith_auc && s->rec[5].faith_auc);
    CHECK_INT(s->n_faith, 3);
    CHECK_INT(s->faith.count[0], 3);
    if (s->rec[1].faith_auc && s->rec[3].faith_auc && s->rec[5].faith_auc)
        CHECK_CLOSE(s->faith.auc[0],
                    s->rec[1].faith_auc[0] + s->rec[3].faith_auc[0] + s->rec[5].faith_auc[0], 1e-12,
                    0);
    /* let-7a-1's duplex from the mature table: 5p strand as given, 3p inferred */
    CHECK_INT(s->n_duplex, 1);
    CHECK_INT(s->rec[0].duplex[0], 5);
    CHECK_INT(s->rec[0].duplex[1], 26);
    CHECK(s->rec[1].duplex[0] == -1);
    /* one example per group met, in order */
    int seen[MRL_NOUTCOMES] = {0};
    for (size_t i = 0; i < s->n_ex; i++) {
        int g = s->rec[s->ex[i].rec].group;
        CHECK(g >= 0 && ++seen[g] == 1);
        CHECK(i == 0 || s->ex[i].rec > s->ex[i - 1].rec);
        CHECK_INT(strlen(s->ex[i].structure), s->rec[s->ex[i].rec].len);
    }
    long groups = 0;
    for (int g = 0; g < MRL_NOUTCOMES; g++)
        groups += s->agg[0].n_img[g] > 0;
    CHECK_INT((long)s->n_ex, groups);
    /* sanity on 2 of the 6 records, evenly spaced: 2 (refused, so not kept) and 5 */
    CHECK_INT(s->sanity.n, 1);
    CHECK(s->sanity.rho_s && s->sanity.L == 8 && s->sanity.layer_kind[0] == MRL_LAYER_DENSE);
}

static int count_files(const char *sub)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls %s/%s 2>/dev/null | wc -l", dir, sub);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (!p || fscanf(p, "%d", &n) != 1)
        n = -1;
    if (p)
        pclose(p);
    return n;
}

static void check_report(const mrl_explain_set_t *s)
{
    char out[128], p[512];
    snprintf(out, sizeof out, "%s/report", dir);
    mrl_report_set_opts_t ro;
    mrl_report_set_opts_default(&ro);
    const char *pos[1] = {"pos <1>.fa"};
    ro.pos = pos, ro.n_pos = 1, ro.model = "m&m.mrlm", ro.scale = 2, ro.top = 3;
    CHECK_INT(mrl_report_set_write(out, s, &ro), 0);
    static const char *const files[] = {"index.html",
                                        "predictions.tsv",
                                        "faithfulness_seq.tsv",
                                        "faithfulness.tsv",
                                        "faithfulness_curves.tsv",
                                        "deletion.svg",
                                        "insertion.svg",
                                        "sanity.tsv",
                                        "sanity.svg",
                                        "aggregate/columns.tsv",
                                        "aggregate/maps.gradient.npy",
                                        "aggregate/maps.integrated-gradients.png",
                                        "aggregate/profile.gradient.svg"};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", out, files[k]);
        CHECK(stat(p, &st) == 0 && st.st_size > 0);
    }
    /* a page, a PNG and an SVG per example and method */
    CHECK_INT(count_files("report/seq"), (int)s->n_ex * 5);
    CHECK_INT(count_files("report/*.tmp.*"), 0);
    /* ids and file names escaped in HTML */
    snprintf(p, sizeof p,
             "grep -q 'pos &lt;1&gt;.fa' %s/index.html && grep -q 'm&amp;m' %s/index.html", out,
             out);
    CHECK(system(p) == 0);
    /* the predictions: a row per explained record, none for the refused one */
    snprintf(p, sizeof p,
             "test $(wc -l < %s/predictions.tsv) -eq 6 && ! grep -q '^flat' %s/predictions.tsv",
             out, out);
    CHECK(system(p) == 0);
    /* a missing directory's parent: an error, not a crash */
    CHECK(mrl_report_set_write("/nonexistent/x", s, &ro) == MRL_ERR_IO);
}

/* Run-level refusals. */
static void check_refusals(mrl_ensemble_t *e, mrl_ensemble_t *two)
{
    mrl_explain_set_t s;
    mrl_explain_set_opts_t o;
    opts(&o, NULL);
    mrl_explain_set_init(&s);
    CHECK_INT(mrl_explain_set_run(&s, e, &o), MRL_ERR_ARG); /* no records */
    fill(&s);
    CHECK_INT(mrl_explain_set_run(&s, two, &o), MRL_ERR_ARG);
    o.faith_steps = 0;
    CHECK_INT(mrl_explain_set_run(&s, e, &o), MRL_ERR_ARG);
    opts(&o, NULL);
    char p[128];
    snprintf(p, sizeof p, "%s/pos.fa", dir);
    CHECK_INT(mrl_explain_set_add_fasta(&s, p, -1, NULL), 0);
    CHECK_INT(mrl_explain_set_run(&s, e, &o), MRL_ERR_ARG); /* unlabelled, aggregate */
    mrl_imageset_t img = {0};
    CHECK_INT(mrl_explain_set_add_images(&s, &img), 0); /* nothing added */
    uint8_t rgb[MRL_IMG_BYTES] = {0};
    img.n = 1, img.rgb = rgb;
    CHECK_INT(mrl_explain_set_add_images(&s, &img), MRL_ERR_ARG); /* not beside sequences */
    mrl_explain_set_release(&s);
    /* nothing but refusals */
    write_file("flat.fa", ">a\nAAAAAAAAAA\n>b\nCCCCCCCCCC\n");
    snprintf(p, sizeof p, "%s/flat.fa", dir);
    CHECK_INT(mrl_explain_set_add_fasta(&s, p, 1, NULL), 0);
    CHECK_INT(mrl_explain_set_run(&s, e, &o), MRL_ERR_REFUSED);
    CHECK(strstr(mrl_errmsg(), "no hairpin to explain") != NULL);
    CHECK_INT(s.n_refused, 2);
    mrl_explain_set_release(&s);
    snprintf(p, sizeof p, "%s/none.fa", dir);
    CHECK(mrl_explain_set_add_fasta(&s, p, 1, NULL) == MRL_ERR_IO);
    mrl_explain_set_release(&s);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/mrl_test_explain_set.%ld", (long)getpid());
    if (mkdir(dir, 0700) != 0)
        return 2;
    write_file("pos.fa", pos_fa);
    write_file("neg.fa", neg_fa);
    write_file("mature.tsv",
               "#hairpin_id\thairpin_acc\tmature_id\tmature_acc\tstart_1based\t"
               "end_1based\tarm_by_position\thairpin_len\tmatch\n"
               "renamed\tMI0000060\thsa-let-7a-5p\tMIMAT1\t6\t27\t5p\t80\tname+seq\n");
    mrl_arch_t arch;
    mrl_arch_default(&arch, 3);
    mrl_model_t *m = NULL, *m2 = NULL;
    mrl_ensemble_t *e = NULL, *two = NULL;
    mrl_mature_tab_t *mat = NULL;
    mrl_nn_opts_t no;
    mrl_nn_opts_default(&no);
    no.threads = 1;
    char p[128];
    snprintf(p, sizeof p, "%s/mature.tsv", dir);
    if (mrl_model_new(&m, &arch, 1) || mrl_model_new(&m2, &arch, 2) ||
        mrl_ensemble_new(&e, &m, 1, &no) ||
        mrl_ensemble_new(&two, (mrl_model_t *[]){m, m2}, 2, &no) || mrl_mature_load(&mat, p))
        return 2;
    mrl_explain_set_t s, again;
    mrl_explain_set_opts_t o;
    opts(&o, mat);
    fill(&s), fill(&again);
    CHECK_INT(mrl_explain_set_run(&s, e, &o), 0);
    check_run(&s);
    check_sums(&s, e);
    /* the same bits again, on another set of the same records and on a rerun of s */
    o.fold_threads = 3;
    CHECK_INT(mrl_explain_set_run(&again, e, &o), 0);
    CHECK(memcmp(again.agg, s.agg, 2 * sizeof *s.agg) == 0);
    CHECK(memcmp(again.faith.curve, s.faith.curve, 2 * 2 * 4 * 5 * sizeof(double)) == 0);
    CHECK(memcmp(again.sanity.rho_s, s.sanity.rho_s, 2 * 10 * sizeof(double)) == 0);
    CHECK_INT(mrl_explain_set_run(&again, e, &o), 0);
    CHECK(memcmp(again.agg, s.agg, 2 * sizeof *s.agg) == 0 && again.n_ex == s.n_ex);
    check_report(&s);
    mrl_explain_set_release(&again);
    /* sanity only: 3 records kept, evenly spaced (1, 3, 5), no statistics */
    fill(&again);
    o.aggregate = 0, o.sanity_n = 3;
    CHECK_INT(mrl_explain_set_run(&again, e, &o), 0);
    CHECK(again.n == 3 && again.agg == NULL && again.n_ex == 0 && again.sanity.n == 3);
    CHECK_STR(again.rec[0].id, "hsa-mir-21");
    mrl_explain_set_release(&again);
    check_refusals(e, two);
    mrl_explain_set_release(&s);
    mrl_mature_free(mat);
    mrl_ensemble_free(e), mrl_ensemble_free(two);
    mrl_model_free(m), mrl_model_free(m2);
    snprintf(p, sizeof p, "rm -rf %s", dir);
    if (system(p) != 0)
        return 2;
    return test_summary("test_explain_set");
}
