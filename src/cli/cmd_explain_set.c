/*
 * cmd_explain_set.c - `mirlens explain --aggregate` and `mirlens explain --sanity`:
 * interpretation over a whole labelled set. For every method: mean maps of true/false
 * positives/negatives, profiles along the hairpin, shares by structural context, base,
 * pair type and region around the miRNA duplex, the Drosha/Dicer cut sites, 3-mer motifs
 * among the most attributed windows (library: src/explain/aggregate.c); deletion/insertion
 * faithfulness curves against random orderings (faithful.c); the model-randomisation and
 * shuffled-label sanity checks of Adebayo et al. 2018 (sanity.c); TSV tables, SVG/PNG
 * figures, per-sequence pages and one offline index.html. Every file is written to a
 * temporary name and renamed.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "explain_set.h"

static void usage(FILE *fp)
{
    fprintf(fp,
            "Usage: mirlens explain --aggregate (--pos FILE --neg FILE | --images BASE\n"
            "                        [--labels FILE]) -o DIR [options]\n"
            "       mirlens explain --sanity FILE -o DIR [options]\n\n"
            "Interpretation over a labelled set. --aggregate explains every hairpin with\n"
            "each method and writes, into DIR: mean maps of true/false positives/negatives\n"
            "(aggregate/maps.M.{npy,png,svg}), profiles along the hairpin by distance from\n"
            "the terminal loop and strand (aggregate/profile.tsv, columns.tsv), shares by\n"
            "structural context, base, pair type and, with --mature, region around the\n"
            "miRNA duplex (categories.tsv), attribution around the Drosha and Dicer cut\n"
            "sites (cutsites.tsv), 3-mer motifs among the top-attributed windows\n"
            "(motifs.tsv), the terminal loop's share by loop size (loops.tsv), deletion /\n"
            "insertion faithfulness curves against random orderings (faithfulness*.tsv,\n"
            "deletion.svg, insertion.svg), optionally the sanity checks, per-sequence\n"
            "pages of examples (seq/) and index.html. --sanity FILE (FASTA or image set)\n"
            "runs only the sanity checks: the maps of models with cascading randomised\n"
            "layers (from the output down) and of --shuffled-model are compared with the\n"
            "original maps by Spearman rank correlation; a method whose maps do not change\n"
            "(mean |rho| over the cascade, or |rho| for the shuffled-label model, >= %.1f)\n"
            "fails.\n\n"
            "Inputs:\n"
            "  --pos FILE, --neg FILE  labelled FASTA (repeatable; folded and drawn)\n"
            "  --images BASE           image set BASE.u8[.gz] (+ BASE.labels or --labels):\n"
            "                          pixel statistics only (no nucleotides)\n"
            "  --labels FILE           labels of the image set\n"
            "  --mature FILE           mature positions (mirbase/v21/mature_positions.tsv.gz):\n"
            "                          regions and cut sites of the positives\n"
            "Options:\n"
            "  -o, --out DIR           output directory (required)\n"
            "  -m, --model MODEL       model (default: the shipped model)\n"
            "  --method LIST|all       methods (default smoothgrad-guided; see explain --help)\n"
            "  --threshold X           pre-miRNA call at P >= X (default 0.5)\n"
            "  --faith-n N             images given faithfulness curves (default 100; 0 off)\n"
            "  --faith-steps N         curve points after 0 (default 20)\n"
            "  --faith-random N        random orderings of the baseline (default 4)\n"
            "  --mask white|n          how a nucleotide is removed: bars erased (default) or\n"
            "                          redrawn as N\n"
            "  --sanity-n N            images for the sanity checks (default: 0 with\n"
            "                          --aggregate, 50 with --sanity)\n"
            "  --shuffled-model MODEL  a model trained on shuffled labels (mirlens train\n"
            "                          --shuffle-labels) for the label-randomisation test\n"
            "  --examples N            per-sequence pages per outcome group (default 3)\n"
            "  --top N                 strongest positions listed on those pages (default 10)\n"
            "  --samples, --noise, --steps, --kshap-samples, --layer, --patch, --stride,\n"
            "  --background, --target, --seed, --scale, --max-length, --precision: as for\n"
            "  explain\n"
            "  -j, --threads N         threads (default %d)\n"
            "  -q, --quiet             no progress on stderr\n",
            MRL_SANITY_PASS, CLI_THREADS);
}

static int parse_args(int argc, char **argv, sopts_t *o)
{
    enum {
        O_AGG = 256,
        O_SANITY,
        O_POS,
        O_NEG,
        O_IMAGES,
        O_LABELS,
        O_MATURE,
        O_THRESH,
        O_FN,
        O_FSTEPS,
        O_FRAND,
        O_MASK,
        O_SN,
        O_SHUF,
        O_EXAMPLES,
        O_TOP
    };
    static const struct option lo[] = {
        {"aggregate", no_argument, 0, O_AGG},
        {"sanity", required_argument, 0, O_SANITY},
        {"pos", required_argument, 0, O_POS},
        {"neg", required_argument, 0, O_NEG},
        {"images", required_argument, 0, O_IMAGES},
        {"labels", required_argument, 0, O_LABELS},
        {"mature", required_argument, 0, O_MATURE},
        {"threshold", required_argument, 0, O_THRESH},
        {"faith-n", required_argument, 0, O_FN},
        {"faith-steps", required_argument, 0, O_FSTEPS},
        {"faith-random", required_argument, 0, O_FRAND},
        {"mask", required_argument, 0, O_MASK},
        {"sanity-n", required_argument, 0, O_SN},
        {"shuffled-model", required_argument, 0, O_SHUF},
        {"examples", required_argument, 0, O_EXAMPLES},
        {"top", required_argument, 0, O_TOP},
        {"out", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        CLI_XOPT_LONG,
        {0, 0, 0, 0},
    };
    int c, sanity_n = -1;
    long v;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:m:j:qh", lo, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case O_AGG:
            o->aggregate = 1;
            break;
        case O_SANITY:
            o->sanity_in = optarg;
            break;
        case O_POS:
        case O_NEG:
        case O_IMAGES:
        case O_LABELS:
            bad = cli_inputs_add("explain", &o->in,
                                 c == O_POS      ? 'p'
                                 : c == O_NEG    ? 'n'
                                 : c == O_IMAGES ? 'i'
                                                 : 'l',
                                 optarg)
                      ? CLI_USAGE
                      : 0;
            break;
        case O_MATURE:
            o->mature = optarg;
            break;
        case O_THRESH:
            bad = cli_parse_float("explain", "--threshold", optarg, 0, 1, &o->threshold);
            break;
        case O_FN:
        case O_FSTEPS:
        case O_FRAND:
        case O_SN:
        case O_EXAMPLES:
        case O_TOP: {
            const char *name = c == O_FN       ? "--faith-n"
                               : c == O_FSTEPS ? "--faith-steps"
                               : c == O_FRAND  ? "--faith-random"
                               : c == O_SN     ? "--sanity-n"
                               : c == O_TOP    ? "--top"
                                               : "--examples";
            long hi = c == O_FSTEPS ? 1000 : c == O_FRAND ? 100 : c == O_EXAMPLES ? 64 : 10000000;
            bad = cli_parse_long("explain", name, optarg, c == O_FSTEPS ? 1 : 0, hi, &v) ? CLI_USAGE
                                                                                         : 0;
            int *dst = c == O_FN       ? &o->faith_n
                       : c == O_FSTEPS ? &o->faith_steps
                       : c == O_FRAND  ? &o->faith_random
                       : c == O_SN     ? &sanity_n
                       : c == O_TOP    ? &o->top
                                       : &o->examples;
            if (!bad)
                *dst = (int)v;
            break;
        }
        case O_MASK:
            if (strcmp(optarg, "white") == 0)
                o->mask = MRL_MASK_WHITE;
            else if (strcmp(optarg, "n") == 0 || strcmp(optarg, "N") == 0)
                o->mask = MRL_MASK_N;
            else
                bad = cli_usage_error("explain", "--mask must be white or n");
            break;
        case O_SHUF:
            o->shuffled = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'h':
            usage(stdout);
            return -1;
        default:
            bad = cli_xopt_other(c, argv, &o->x);
        }
        if (bad)
            return CLI_USAGE;
    }
    if (optind < argc)
        return cli_usage_error("explain",
                               "unexpected argument '%s' (inputs go with --pos, "
                               "--neg, --images or --sanity)",
                               argv[optind]);
    if (!o->out)
        return cli_usage_error("explain", "no output directory (-o DIR)");
    if (o->aggregate && o->sanity_in)
        return cli_usage_error("explain", "--sanity FILE runs alone; with --aggregate use "
                                          "--sanity-n N");
    if (o->aggregate && cli_inputs_empty(&o->in))
        return cli_usage_error("explain", "--aggregate needs --pos/--neg FASTA or --images");
    if (o->aggregate && o->in.nimg && o->in.npos + o->in.nneg)
        return cli_usage_error("explain", "give FASTA (--pos/--neg) or --images, not both");
    if (o->in.nlab > o->in.nimg)
        return cli_usage_error("explain", "--labels without --images");
    if (o->sanity_in && !cli_inputs_empty(&o->in))
        return cli_usage_error("explain", "--sanity FILE takes its input from FILE only");
    o->sanity_n = sanity_n >= 0 ? sanity_n : o->aggregate ? 0 : 50;
    if (o->sanity_in && o->sanity_n == 0)
        return cli_usage_error("explain", "--sanity needs --sanity-n >= 1");
    return 0;
}

/* ---- inputs ------------------------------------------------------------------------- */

static int add_item(srun_t *r, const char *id, const char *desc, const char *seq, size_t len,
                    int label)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 256;
        sitem_t *it = realloc(r->it, cap * sizeof *it);
        if (!it)
            return cli_error("explain", "out of memory");
        r->it = it, r->cap = cap;
    }
    sitem_t *t = &r->it[r->n++];
    t->id = strdup(id), t->seq = seq ? strdup(seq) : NULL, t->len = len, t->label = label;
    t->src = r->n - 1;
    t->acc[0] = '\0';
    size_t w = desc ? strcspn(desc, " \t") : 0;
    if (w > 2 && w < sizeof t->acc && desc[0] == 'M' && desc[1] == 'I')
        memcpy(t->acc, desc, w), t->acc[w] = '\0';
    if (!t->id || (seq && !t->seq))
        return cli_error("explain", "out of memory");
    return 0;
}

static int read_fasta(srun_t *r, const char *path, int label)
{
    mrl_fasta_t *fa = NULL;
    mrl_seqrec_t rec;
    int rc = mrl_fasta_open(&fa, path, &r->o->x.fasta), got;
    if (rc < 0)
        return cli_lib_error("explain", rc);
    while ((got = mrl_fasta_read(fa, &rec)) == 1)
        if ((rc = add_item(r, rec.id, rec.desc, rec.seq, rec.len, label)))
            break;
    if (!rc && got < 0)
        rc = cli_lib_error("explain", got);
    mrl_fasta_close(fa);
    return rc;
}

static int read_inputs(srun_t *r)
{
    const sopts_t *o = r->o;
    int rc = 0;
    if (o->sanity_in && !cli_is_imageset(o->sanity_in))
        return read_fasta(r, o->sanity_in, -1);
    for (int k = 0; !rc && k < o->in.npos; k++)
        rc = read_fasta(r, o->in.pos[k], 1);
    for (int k = 0; !rc && k < o->in.nneg; k++)
        rc = read_fasta(r, o->in.neg[k], 0);
    if (rc || (!o->in.nimg && !o->sanity_in))
        return rc;
    if (o->sanity_in) {
        if ((rc = mrl_imageset_load(&r->set, o->sanity_in)) < 0)
            return cli_lib_error("explain", rc);
    } else {
        mrl_fe_opts_t fe;
        mrl_fe_opts_default(&fe);
        if ((rc = cli_load_inputs("explain", &o->in, &fe, 1, &r->set)))
            return rc;
    }
    for (size_t k = 0; !rc && k < r->set->n; k++) {
        char id[32];
        snprintf(id, sizeof id, "img%zu", k + 1);
        int label = r->set->labels ? r->set->labels[k] : -1;
        if (o->aggregate && label < 0)
            return cli_error("explain", "%s: --aggregate needs labels (BASE.labels or --labels)",
                             o->in.images[0]);
        rc = add_item(r, r->set->names ? r->set->names[k] : id, NULL, NULL, 0, label);
    }
    return rc;
}

/* k of n is one of `want` evenly spaced picks. */
static int picked(size_t k, size_t n, size_t want)
{
    if (want >= n)
        return 1;
    return (k * want) / n != ((k + 1) * want) / n;
}

/* ---- the pass over the set ----------------------------------------------------------- */

static int faith_one(srun_t *r, const sitem_t *it, const mrl_fe_item_t *fe, const float *maps,
                     size_t b, size_t nb, long index, float prob)
{
    const sopts_t *o = r->o;
    int S = o->faith_steps, rc = 0;
    float *curves = malloc(4 * (size_t)(S + 1) * sizeof(float)), map2d[PLANE];
    if (!curves)
        return cli_error("explain", "out of memory");
    mrl_faith_opts_t fo;
    mrl_faith_opts_default(&fo);
    fo.steps = S, fo.mask = o->mask, fo.n_random = o->faith_random;
    fo.target = o->x.ex.target, fo.seed = o->x.ex.seed;
    for (int j = 0; !rc && j < r->M; j++) {
        double auc[4];
        mrl_explain_channel_sum(maps + ((size_t)j * nb + b) * PX, 1, 3, MRL_IMG_H, MRL_IMG_W,
                                map2d);
        rc = mrl_faith_hairpin(r->nn, r->m, &fe->hp, it->seq, fe->structure, it->len,
                               o->x.methods[j], map2d, index, &fo, curves, auc);
        if (rc < 0) {
            rc = cli_lib_error("explain", rc);
            break;
        }
        mrl_faith_sum_add(&r->fs, j, prob >= o->threshold, curves, auc);
        fprintf(r->fseq.fp, "%s\t%s\t%d\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\n", it->id,
                mrl_explain_method_name(o->x.methods[j]), it->label, (double)prob, auc[0], auc[1],
                auc[2], auc[3]);
    }
    free(curves);
    return rc;
}

/* Keep image b of the batch for the sanity checks (their maps are made again there, in one
 * call, so that the original and the randomised models see the same noise draws). */
static int keep_sanity(srun_t *r, const float *x, size_t b, const char *id)
{
    size_t k = r->ns;
    if (k == r->ns_cap)
        return 0;
    memcpy(r->sx + k * PX, x + b * PX, PX * sizeof(float));
    if (!(r->sid[k] = strdup(id)))
        return cli_error("explain", "out of memory");
    r->ns++;
    return 0;
}

/* Nucleotide statistics of one sequence and method into the accumulator. */
/* The miRNA duplex of a positive whose mature positions are known (1, duplex set), else 0. */
static int find_duplex(srun_t *r, const sitem_t *it, const mrl_fe_item_t *fe, int *pt, uint8_t *ctx,
                       int duplex[4])
{
    int range[4], len;
    if (!r->mat || it->label != 1 ||
        !(mrl_mature_find(r->mat, it->id, range, &len) ||
          (it->acc[0] && mrl_mature_find(r->mat, it->acc, range, &len))) ||
        (size_t)len != it->len || mrl_explain_structure(fe->structure, it->len, pt, ctx) < 0)
        return 0;
    return mrl_duplex_regions(pt, it->len, range, duplex, NULL) == 0;
}

/* Nucleotide statistics of one sequence and method into the accumulator. */
static int agg_seq(srun_t *r, int j, int g, const sitem_t *it, const mrl_fe_item_t *fe,
                   const float *map2d, float *attr, const int *duplex)
{
    mrl_explain_nucleotides(&fe->hp, map2d, it->len, attr, NULL);
    int rc = mrl_agg_add_seq(&r->agg[j], g, it->seq, fe->structure, it->len, &fe->hp, attr, duplex);
    return rc < 0 ? cli_lib_error("explain", rc) : 0;
}

typedef struct chunkbuf {
    mrl_batch_t b; /* the pipeline's results for the chunk: images, x, scores */
    float *maps;
    mrl_explain_info_t *info;
    float *attr;
    int *pt;
    uint8_t *ctx;
    size_t attr_cap;
} chunkbuf_t;

static int run_chunk(srun_t *r, chunkbuf_t *cb, size_t k0, size_t k1)
{
    const sopts_t *o = r->o;
    int rc = 0;
    int fasta = r->set == NULL;
    if (fasta) {
        const char *seq[CHUNK];
        size_t len[CHUNK];
        for (size_t k = k0; k < k1; k++)
            seq[k - k0] = r->it[k].seq, len[k - k0] = r->it[k].len;
        mrl_fe_opts_t fe;
        mrl_fe_opts_default(&fe);
        fe.threads = o->x.threads;
        rc = mrl_pipeline_run(r->ens, &fe, seq, len, k1 - k0, &cb->b);
    } else {
        const uint8_t *rgb[CHUNK];
        for (size_t k = k0; k < k1; k++)
            rgb[k - k0] = r->set->rgb + r->it[k].src * MRL_IMG_BYTES;
        rc = mrl_pipeline_run_images(r->ens, rgb, k1 - k0, &cb->b);
    }
    if (rc < 0)
        return cli_lib_error("explain", rc);
    for (size_t k = k0; k < k1; k++) {
        if (fasta && cb->b.items[k - k0].rc != 0) {
            r->n_refused++;
            if (!o->x.quiet)
                fprintf(stderr, "mirlens explain: %s: no hairpin loop in the fold; skipped\n",
                        r->it[k].id);
            continue;
        }
        if (fasta && r->it[k].len > cb->attr_cap) {
            size_t cap = r->it[k].len * 2;
            free(cb->attr), free(cb->pt), free(cb->ctx);
            cb->attr = malloc(cap * sizeof(float)), cb->pt = malloc(cap * sizeof(int));
            cb->ctx = malloc(cap);
            if (!cb->attr || !cb->pt || !cb->ctx)
                return cli_error("explain", "out of memory");
            cb->attr_cap = cap;
        }
    }
    size_t nb = cb->b.rows;
    if (!nb)
        return 0;
    double t0 = cli_now();
    for (int j = 0; j < r->M; j++) {
        mrl_explain_opts_t eo = o->x.ex;
        eo.method = o->x.methods[j];
        eo.logits = cb->b.logit; /* the pipeline's scores of x: no second forward pass */
        rc = mrl_explain(r->nn, r->m, cb->b.x, nb, &eo, cb->maps + (size_t)j * nb * PX,
                         cb->info + (size_t)j * nb);
        if (rc < 0)
            return cli_lib_error("explain", rc);
    }
    r->t_agg += cli_now() - t0;
    float map2d[PLANE];
    for (size_t b = 0; b < nb && !rc; b++) {
        size_t k = k0 + cb->b.row[b];
        const sitem_t *it = &r->it[k];
        const mrl_fe_item_t *fe = fasta ? &cb->b.items[k - k0] : NULL;
        float prob = cb->b.prob[k - k0];
        r->prob[k] = prob;
        int g = it->label >= 0 ? mrl_outcome_of(it->label, prob, o->threshold) : -1;
        if (o->aggregate) {
            int dx[4], have = fe && find_duplex(r, it, fe, cb->pt, cb->ctx, dx);
            r->n_duplex += have;
            fprintf(r->pred.fp, "%s\t%d\t%.6g\t%s\t", it->id, it->label, (double)prob,
                    mrl_outcome_name(g));
            if (have)
                fprintf(r->pred.fp, "%d-%d,%d-%d\n", dx[0] + 1, dx[1] + 1, dx[2] + 1, dx[3] + 1);
            else
                fputs(".\n", r->pred.fp);
            for (int j = 0; j < r->M && !rc; j++) {
                mrl_explain_channel_sum(cb->maps + ((size_t)j * nb + b) * PX, 1, 3, MRL_IMG_H,
                                        MRL_IMG_W, map2d);
                mrl_agg_add_map(&r->agg[j], g, map2d, fe ? fe->hp.used : MRL_IMG_W);
                if (fe)
                    rc = agg_seq(r, j, g, it, fe, map2d, cb->attr, have ? dx : NULL);
            }
            if (!rc && fe && o->faith_n && picked(k, r->n, (size_t)o->faith_n)) {
                double t1 = cli_now();
                rc = faith_one(r, it, fe, cb->maps, b, nb, (long)k, prob);
                r->n_faith++;
                r->t_faith += cli_now() - t1;
            }
            if (!rc && fe && o->examples)
                rc = cli_set_example(r, it, fe, cb->maps, b, nb, prob, g);
        }
        if (!rc && r->ns_cap && picked(k, r->n, r->ns_cap))
            rc = keep_sanity(r, cb->b.x, b, it->id);
        r->n_done++;
    }
    return rc;
}

static int run_pass(srun_t *r)
{
    const sopts_t *o = r->o;
    chunkbuf_t cb;
    memset(&cb, 0, sizeof cb);
    cb.b.keep_x = 1;
    cb.maps = malloc((size_t)r->M * CHUNK * PX * sizeof(float));
    cb.info = malloc((size_t)r->M * CHUNK * sizeof *cb.info);
    int rc = cb.maps && cb.info ? 0 : cli_error("explain", "out of memory");
    cli_progress_t prog;
    cli_progress_init(&prog, "hairpins", o->x.quiet);
    for (size_t k0 = 0; !rc && k0 < r->n; k0 += CHUNK) {
        size_t k1 = k0 + CHUNK < r->n ? k0 + CHUNK : r->n;
        rc = run_chunk(r, &cb, k0, k1);
        cli_progress_update(&prog, (long)k1, (long)r->n);
    }
    cli_progress_end(&prog, r->n_done);
    mrl_batch_release(&cb.b);
    free(cb.maps), free(cb.info);
    free(cb.attr), free(cb.pt), free(cb.ctx);
    return rc;
}

/* ---- sanity checks ------------------------------------------------------------------ */

static void sanity_step(void *ctx, int done, int total)
{
    cli_progress_update(ctx, done, total);
}

/* The randomisation tests (mrl_sanity_run) on the kept subset. */
static int run_sanity(srun_t *r)
{
    const sopts_t *o = r->o;
    double t0 = cli_now();
    mrl_sanity_opts_t so;
    mrl_sanity_opts_default(&so);
    so.methods = o->x.methods, so.n_methods = r->M, so.ex = o->x.ex;
    so.nn.threads = o->x.threads, so.nn.precision = o->x.precision;
    cli_progress_t prog;
    cli_progress_init(&prog, "sanity steps", o->x.quiet);
    so.progress = sanity_step, so.progress_ctx = &prog;
    mrl_model_t *sm = NULL;
    int rc = o->shuffled ? mrl_model_load(&sm, o->shuffled) : 0;
    so.shuffled = sm;
    if (!rc)
        rc = mrl_sanity_run(r->nn, r->m, r->sx, r->ns, &so, &r->san);
    cli_progress_end(&prog, r->san.L);
    mrl_model_free(sm);
    r->sanity_images = (long)r->ns;
    r->t_sanity = cli_now() - t0;
    return rc < 0 ? cli_lib_error("explain", rc) : 0;
}

/* ---- the command ---------------------------------------------------------------------- */

static int make_dir(const char *base, const char *sub)
{
    char p[4096];
    snprintf(p, sizeof p, "%s%s%s", base, *sub ? "/" : "", sub);
    if (mkdir(p, 0755) < 0 && errno != EEXIST)
        return cli_error("explain", "cannot create directory '%s': %s", p, strerror(errno));
    return 0;
}

static int setup(srun_t *r)
{
    const sopts_t *o = r->o;
    int rc;
    if ((rc = make_dir(o->out, "")) || (o->aggregate && (rc = make_dir(o->out, "aggregate"))) ||
        (o->aggregate && o->examples && (rc = make_dir(o->out, "seq"))))
        return rc;
    mrl_nn_opts_t no;
    mrl_nn_opts_default(&no);
    no.threads = o->x.threads;
    no.precision = o->x.precision;
    if ((rc = mrl_model_load(&r->m, o->x.model)) < 0 ||
        (rc = mrl_ensemble_new(&r->ens, &r->m, 1, &no)) < 0 || !(r->nn = mrl_ensemble_nn(r->ens, 0)))
        return cli_lib_error("explain", rc);
    cli_precision_note("explain", o->x.precision, r->nn, o->x.quiet);
    if ((rc = cli_xopts_background(&r->o->x, r->m)))
        return rc;
    if (o->mature && (rc = mrl_mature_load(&r->mat, o->mature)) < 0)
        return cli_lib_error("explain", rc);
    if ((rc = read_inputs(r)))
        return rc;
    if (r->n == 0)
        return cli_error("explain", "no sequences or images in the input");
    if (!o->aggregate) { /* sanity only: keep just the images it uses */
        size_t m = 0, want = (size_t)o->sanity_n;
        for (size_t k = 0; k < r->n; k++) {
            if (picked(k, r->n, want))
                r->it[m++] = r->it[k];
            else
                free(r->it[k].id), free(r->it[k].seq);
        }
        r->n = m;
    }
    r->M = o->x.nmethods;
    r->agg = o->aggregate ? calloc((size_t)r->M, sizeof *r->agg) : NULL;
    for (int j = 0; r->agg && j < r->M; j++)
        r->agg[j].rank_abs = !mrl_explain_method_is_contribution(o->x.methods[j]);
    int frc = mrl_faith_sum_init(&r->fs, r->M, o->faith_steps);
    r->prob = malloc(r->n * sizeof(float));
    r->ns_cap = o->sanity_n ? ((size_t)o->sanity_n < r->n ? (size_t)o->sanity_n : r->n) : 0;
    if (r->ns_cap) {
        r->sx = malloc(r->ns_cap * PX * sizeof(float));
        r->sid = calloc(r->ns_cap, sizeof(char *));
    }
    if ((o->aggregate && !r->agg) || frc < 0 || !r->prob ||
        (r->ns_cap && (!r->sx || !r->sid)) || !(r->names = cli_names_new()))
        return cli_error("explain", "out of memory");
    for (size_t k = 0; k < r->n; k++)
        r->prob[k] = NAN;
    if (o->aggregate) {
        if ((rc = cli_set_open(&r->pred, o->out, "predictions.tsv")))
            return rc;
        fputs("id\tlabel\tprob\tgroup\tduplex\n", r->pred.fp);
        if ((rc = cli_set_open(&r->fseq, o->out, "faithfulness_seq.tsv")))
            return rc;
        fputs("id\tmethod\tlabel\tprob\tauc_deletion\tauc_insertion\tauc_deletion_random\t"
              "auc_insertion_random\n",
              r->fseq.fp);
    }
    return 0;
}

static void teardown(srun_t *r)
{
    mrl_atomic_abort(&r->pred), mrl_atomic_abort(&r->fseq);
    for (size_t k = 0; k < r->n; k++)
        free(r->it[k].id), free(r->it[k].seq);
    free(r->it);
    for (size_t k = 0; r->sid && k < r->ns; k++)
        free(r->sid[k]);
    for (int g = 0; g < MRL_NOUTCOMES; g++)
        for (int k = 0; k < r->ex_count[g]; k++)
            free(r->ex_name[g][k]);
    free(r->sid), free(r->sx);
    mrl_faith_sum_release(&r->fs);
    free(r->agg), free(r->prob);
    mrl_sanity_release(&r->san);
    mrl_imageset_free(r->set);
    mrl_mature_free(r->mat);
    cli_names_free(r->names);
    mrl_ensemble_free(r->ens);
    mrl_model_free(r->m);
}

static int finish(srun_t *r)
{
    const sopts_t *o = r->o;
    int rc = 0;
    if (o->aggregate) {
        rc = cli_set_write_tables(r);
        if (!rc)
            rc = cli_set_write_figures(r);
        if (!rc && r->n_faith)
            rc = cli_set_write_faith(r);
    }
    if (!rc && r->ns && !r->o->shuffled && !r->o->x.quiet)
        fprintf(stderr, "mirlens explain: no --shuffled-model: the label-randomisation test is "
                        "skipped (make one with mirlens train --shuffle-labels)\n");
    if (!rc && r->ns)
        rc = run_sanity(r);
    if (!rc && r->ns)
        rc = cli_set_write_sanity(r);
    return rc;
}

int cmd_explain_set(int argc, char **argv)
{
    sopts_t o;
    memset(&o, 0, sizeof o);
    cli_xopts_default(&o.x);
    o.threshold = (float)MRL_DEFAULT_THRESHOLD, o.faith_n = 100, o.faith_steps = 20, o.faith_random = 4;
    o.examples = 3, o.top = 10, o.mask = MRL_MASK_WHITE;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (!o.x.model)
        o.x.model = cli_default_model();
    srun_t *r = calloc(1, sizeof *r);
    if (!r)
        return cli_error("explain", "out of memory");
    r->o = &o;
    double t0 = cli_now();
    if (!(rc = setup(r)) && !(rc = run_pass(r)) && r->n_done == 0)
        rc = cli_error("explain", "no hairpin to explain: the fold of every input sequence "
                                  "lacks a hairpin loop");
    if (!rc && !(rc = finish(r)))
        rc = cli_set_write_report(r, cli_now() - t0);
    if (!rc && o.aggregate && !(rc = cli_set_commit(&r->pred)))
        rc = cli_set_commit(&r->fseq);
    if (!rc && !o.x.quiet)
        fprintf(stderr,
                "mirlens explain: %ld hairpins, %d methods into %s in %.1f s (explain %.1f s, "
                "faithfulness %.1f s on %ld, sanity %.1f s on %ld)\n",
                r->n_done, r->M, o.out, cli_now() - t0, r->t_agg, r->t_faith, r->n_faith,
                r->t_sanity, r->sanity_images);
    teardown(r);
    cli_xopts_release(&o.x);
    free(r);
    return rc;
}
