/*
 * cmd_explain.c - `mirlens explain`: which nucleotides make the network call a hairpin a
 * pre-miRNA. Reads FASTA, folds and draws each sequence, runs the chosen attribution
 * methods (library: src/explain/) and writes, into the output directory, per sequence and
 * method a .npy pixel map, a PNG overlay and an SVG of the structure, plus
 * nucleotides.tsv, summary.tsv and an offline index.html. The directory is written whole
 * (cli_outdir.c): everything goes into DIR.tmp.XXXXXX, renamed onto DIR at the end; an
 * error or a signal removes it and leaves DIR as it was.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

#define CHUNK 32
#define PX (3 * MRL_IMG_H * MRL_IMG_W)
#define PLANE (MRL_IMG_H * MRL_IMG_W)

typedef struct opts {
    cli_xopts_t x; /* shared explain options */
    int top;
    const char *out, *images, *mature;
} opts_t;

/* Everything one run writes besides the per-sequence files. */
typedef struct run {
    const opts_t *o;
    mrl_model_t *m;
    mrl_ensemble_t *ens; /* the scorer of the pipeline (one model) */
    mrl_nn_t *nn;        /* its context, which the explainers use too */
    mrl_outdir_t od;     /* the output directory */
    const char *dir;     /* where files go until the commit: od.tmp */
    mrl_atomic_t tsv, sum, html;
    mrl_report_names_t *names;
    mrl_mature_tab_t *mat; /* --mature, or NULL */
    long done, refused;
    long len_lo, len_hi, outside; /* the model's training lengths; sequences outside them */
    /* the chunk */
    char *id[CHUNK], *seq[CHUNK];
    size_t len[CHUNK];
    mrl_batch_t b; /* the pipeline's results for the chunk */
    int n;
} run_t;

static void usage(FILE *fp)
{
    mrl_fasta_opts_t fasta;
    mrl_fasta_opts_default(&fasta);
    fasta.max_length = MRL_MODEL_MAX_LENGTH;
    fprintf(fp, "Usage: mirlens explain [options] [FILE|-] -o DIR\n\n"
                "Explain the network's score of each sequence (FASTA, plain or gzip, or one\n"
                "sequence per line): which pixels of its hairpin image, and so which nucleotides,\n"
                "drive the logit of the target class. Writes into DIR, per sequence ID and method\n"
                "M: ID.M.npy (float32 (3,25,100) attribution map), ID.M.png (hairpin image, the\n"
                "map over it, numbered colour bar with the unit; blue negative, red positive),\n"
                "ID.M.svg (structure coloured by nucleotide, 5'/3' ends, every 10th position,\n"
                "mature miRNA with --mature); nucleotides.tsv (id position base partner context\n"
                "method attribution), summary.tsv (id method score margin logit reference total\n"
                "gap note: score = P(pre-miRNA), margin = logit z1 - z0, logit = the explained\n"
                "logit of the target class, reference = its value for the method's reference\n"
                "image, total = sum of the map, gap = total - (logit - reference), '.' where the\n"
                "method has no reference; note 'length' outside the training lengths) and\n"
                "index.html (legend, methods with their recorded sanity verdicts).\n\n"
                "Options:\n"
                "  -o, --out DIR         output directory (required), written whole: an\n"
                "                        earlier mirlens output there is replaced, any\n"
                "                        other non-empty directory refused\n"
                "  -m, --model MODEL     model file (default: the shipped model)\n");
    cli_xopts_help_methods(fp);
    fprintf(fp, "  --target K            class to explain (default 1 = pre-miRNA)\n"
                "  --samples N           SmoothGrad / SHAP samples (default 50)\n"
                "  --noise X             SmoothGrad noise, fraction of the input range (0.15)\n"
                "  --steps N             integrated-gradients steps (default 64)\n"
                "  --kshap-samples N     kernel-shap coalitions (default 1024)\n"
                "  --layer L             Grad-CAM layer index (default: the last conv block)\n"
                "  --patch HxW           occlusion patch (default 5x5)\n"
                "  --stride N            occlusion stride (default 2)\n"
                "  --background FILE     SHAP background: image set (BASE.u8[.gz]) or FASTA\n"
                "                        (default: models/background.u8, the example\n"
                "                        hairpins; the white image when absent)\n"
                "  --mature FILE         mature positions (mirbase/v21/mature_positions.tsv.gz):\n"
                "                        the mature miRNA of a hairpin found by ID is ringed\n"
                "  --seed N              random seed (default 1)\n" CLI_XOPT_RANDOMIZE_HELP
                "  --scale K             PNG enlargement 2..16 (default 8)\n"
                "  --top N               strongest positions listed in index.html (default 10)\n"
                "  --max-length N        refuse sequences longer than N nt (default %zu)\n"
                "  --images BASE         explain the images of BASE.u8[.gz] (names from\n"
                "                        BASE.names) instead of sequences: maps and pictures only\n"
                "  -j, --threads N       threads (default %d)\n"
                "  --precision P         f32 (default, exact) or bf16: convolutions in bfloat16\n"
                "                        on the CPU's AMX / AVX512-BF16 units, several times\n"
                "                        faster; maps differ slightly from f32\n"
                "  -q, --quiet           no progress or warnings on stderr\n"
                "  -h, --help            this help\n\n"
                "Over a labelled set: mirlens explain --aggregate --pos FILE --neg FILE -o DIR\n"
                "(mean maps, profiles, duplex regions, motifs, faithfulness, report) and\n"
                "mirlens explain --sanity FILE -o DIR (model-randomisation checks); see\n"
                "mirlens explain --aggregate --help.\n"
                "Sequence edits, refolded and re-scored (saturation mutagenesis, counterfactuals):\n"
                "mirlens explain --method mutagenesis --help.\n"
                "The known determinants of processing, by number: see\n"
                "mirlens explain --determinants --help; concept tests (TCAV):\n"
                "mirlens explain --concepts --help; motifs anchored at the duplex's landmarks\n"
                "against the all-layers-random network: mirlens explain --motifs --help;\n"
                "retraining without the top-attributed nucleotides (ROAR):\n"
                "mirlens explain --roar --help.\n",
            fasta.max_length, CLI_THREADS);
}

/* Returns 0 to go on, -1 after --help, or an exit status. */
static int parse_args(int argc, char **argv, opts_t *o)
{
    enum { O_TOP = 256, O_IMAGES, O_MATURE };
    static const struct option lo[] = {
        {"out", required_argument, 0, 'o'},
        {"top", required_argument, 0, O_TOP},
        {"images", required_argument, 0, O_IMAGES},
        {"mature", required_argument, 0, O_MATURE},
        {"help", no_argument, 0, 'h'},
        CLI_XOPT_LONG,
        {0, 0, 0, 0},
    };
    int c;
    long v;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:m:j:qh", lo, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'o':
            o->out = optarg;
            break;
        case O_TOP:
            bad = cli_parse_long("explain", "--top", optarg, 0, 100000, &v) ? CLI_USAGE : 0;
            o->top = (int)v;
            break;
        case O_IMAGES:
            o->images = optarg;
            break;
        case O_MATURE:
            o->mature = optarg;
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
    if (!o->out)
        return cli_usage_error("explain", "no output directory (-o DIR)");
    if (argc - optind > 1)
        return cli_usage_error("explain", "one input file at most (got %d)", argc - optind);
    if (o->images && argc > optind)
        return cli_usage_error("explain", "give a FASTA file or --images, not both");
    return 0;
}

/* ---- output ------------------------------------------------------------------------ */

static char *out_path(const run_t *r, const char *name, const char *method, const char *ext)
{
    size_t len = strlen(r->dir) + strlen(name) + strlen(method) + strlen(ext) + 4;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s/%s.%s%s", r->dir, name, method, ext);
    return p;
}

/* NAME.M.npy, NAME.M.png and (with a sequence) NAME.M.svg of one map. */
static int write_files(run_t *r, const char *name, const float *map, const mrl_report_map_t *m)
{
    const size_t shape[3] = {3, MRL_IMG_H, MRL_IMG_W};
    const char *method = mrl_explain_method_name(m->method);
    char *npy = out_path(r, name, method, ".npy"), *stem = out_path(r, name, method, "");
    int rc = npy && stem ? 0 : MRL_ERR_NOMEM;
    if (!rc)
        rc = mrl_npy_write(npy, map, 3, shape);
    if (!rc)
        rc = mrl_report_map_pictures(stem, m);
    free(npy), free(stem);
    return rc < 0 ? cli_lib_error("explain", rc) : 0;
}

/* summary.tsv's row of one map: score (P(pre-miRNA)), margin, the explained logit, the
 * reference, total and gap ('.' without a reference), note. */
static void summary_row(run_t *r, const mrl_report_map_t *m, const char *note)
{
    const mrl_explain_info_t *in = m->info;
    fprintf(r->sum.fp, "%s\t%s\t%.6g\t%.6g\t%.6g\t", m->id, mrl_explain_method_name(m->method),
            (double)m->prob, (double)m->margin, (double)in->score);
    if (isnan(in->ref))
        fprintf(r->sum.fp, ".\t%.6g\t.", (double)in->total);
    else
        fprintf(r->sum.fp, "%.6g\t%.6g\t%.6g", (double)in->ref, (double)in->total,
                (double)in->gap);
    fprintf(r->sum.fp, "\t%s\n", note);
}

/* nucleotides.tsv rows of one sequence and method. */
static void write_rows(run_t *r, const mrl_report_map_t *m)
{
    const char *method = mrl_explain_method_name(m->method);
    for (size_t p = 0; p < m->n; p++) {
        fprintf(r->tsv.fp, "%s\t%zu\t%c\t", m->id, p + 1, m->seq[p]);
        if (m->partner[p] >= 0)
            fprintf(r->tsv.fp, "%d", m->partner[p] + 1);
        else
            fputs(".", r->tsv.fp);
        fprintf(r->tsv.fp, "\t%s\t%s\t%.6g\n", mrl_context_name(m->context[p]), method,
                (double)m->attr[p]);
    }
}

/* Explain row b of the batch (record k) with every method and write all outputs. */
static int explain_one(run_t *r, int k, const float *maps, const mrl_explain_info_t *info,
                       size_t b, size_t nb)
{
    size_t n = r->len[k];
    const mrl_fe_item_t *it = &r->b.items[k];
    char name[160];
    int rc = 0, mature[4], mlen = -1;
    float *attr = malloc(n * sizeof(float)), map2d[PLANE];
    if (!attr || mrl_report_names_unique(r->names, r->id[k], name, sizeof name) < 0)
        rc = cli_error("explain", "out of memory");
    int found = r->mat && mrl_mature_find(r->mat, r->id[k], mature, &mlen) && mlen == (int)n;
    int outside = cli_length_outside((long)n, r->len_lo, r->len_hi);
    mrl_report_map_t m = {.id = r->id[k], .prob = r->b.prob[k], .margin = r->b.margin[k],
                          .rgb = it->hp.rgb, .map = map2d, .seq = r->seq[k], .n = n,
                          .partner = it->partner, .context = it->context, .hp = &it->hp,
                          .attr = attr, .mature = found ? mature : NULL, .scale = r->o->x.scale};
    if (!rc) {
        r->outside += outside;
        mrl_report_page_record(r->html.fp, name, &m, it->structure, it->mfe, outside,
                               r->len_lo, r->len_hi);
    }
    for (int j = 0; !rc && j < r->o->x.nmethods; j++) {
        m.method = r->o->x.methods[j];
        m.info = &info[(size_t)j * nb + b];
        mrl_explain_channel_sum(maps + ((size_t)j * nb + b) * PX, 1, 3, MRL_IMG_H, MRL_IMG_W,
                                map2d);
        mrl_explain_nucleotides(&it->hp, map2d, n, attr, NULL);
        rc = write_files(r, name, maps + ((size_t)j * nb + b) * PX, &m);
        if (!rc) {
            write_rows(r, &m);
            summary_row(r, &m, outside ? "length" : ".");
            mrl_report_page_map(r->html.fp, name, &m, r->o->top);
        }
    }
    if (!rc)
        mrl_report_page_record_end(r->html.fp);
    free(attr);
    return rc;
}

/* Explain the rows of the pipeline's batch with every method into maps and info. */
static int explain_rows(run_t *r, float *maps, mrl_explain_info_t *info)
{
    size_t nb = r->b.rows;
    for (int j = 0; nb && j < r->o->x.nmethods; j++) {
        mrl_explain_opts_t eo = r->o->x.ex;
        eo.method = r->o->x.methods[j];
        eo.logits = r->b.logit; /* the pipeline's scores of x: no second forward pass */
        int rc = mrl_explain(r->nn, r->m, r->b.x, nb, &eo, maps + (size_t)j * nb * PX,
                             info + (size_t)j * nb);
        if (rc < 0)
            return cli_lib_error("explain", rc);
    }
    return 0;
}

/* Fold, draw and score the chunk, explain its hairpins with every method, write everything. */
static int run_chunk(run_t *r, float *maps, mrl_explain_info_t *info)
{
    const opts_t *o = r->o;
    mrl_fe_opts_t fe;
    mrl_fe_opts_default(&fe);
    fe.threads = o->x.threads;
    int rc = mrl_pipeline_run(r->ens, &fe, (const char *const *)r->seq, r->len, (size_t)r->n,
                              &r->b);
    if (rc < 0)
        return cli_lib_error("explain", rc);
    for (int k = 0; k < r->n; k++) {
        if (r->b.items[k].rc == 0)
            continue;
        r->refused++;
        if (!o->x.quiet)
            fprintf(stderr, "mirlens explain: %s: no hairpin loop in the fold; skipped\n",
                    r->id[k]);
    }
    rc = explain_rows(r, maps, info);
    for (size_t b = 0; b < r->b.rows && !rc; b++)
        rc = explain_one(r, (int)r->b.row[b], maps, info, b, r->b.rows);
    r->done += rc ? 0 : (long)r->b.rows;
    return rc;
}

static void chunk_clear(run_t *r)
{
    for (int k = 0; k < r->n; k++) {
        free(r->id[k]), free(r->seq[k]);
        r->id[k] = r->seq[k] = NULL;
    }
    r->n = 0;
}

static int explain_input(run_t *r, const char *path)
{
    const opts_t *o = r->o;
    float *maps = malloc((size_t)o->x.nmethods * CHUNK * PX * sizeof(float));
    mrl_explain_info_t *info = malloc((size_t)o->x.nmethods * CHUNK * sizeof *info);
    mrl_fasta_t *fa = NULL;
    mrl_seqrec_t rec;
    int rc = maps && info ? 0 : cli_error("explain", "out of memory"), got = 0;
    if (!rc && (rc = mrl_fasta_open(&fa, path, &o->x.fasta)) < 0)
        rc = cli_lib_error("explain", rc);
    cli_progress_t prog;
    cli_progress_init(&prog, "sequences", o->x.quiet);
    while (!rc && (got = mrl_fasta_read(fa, &rec)) == 1) {
        r->id[r->n] = strdup(rec.id);
        r->seq[r->n] = strdup(rec.seq);
        r->len[r->n] = rec.len;
        if (!r->id[r->n++] || !r->seq[r->n - 1])
            rc = cli_error("explain", "out of memory");
        if (!rc && r->n == CHUNK) {
            rc = run_chunk(r, maps, info);
            chunk_clear(r);
            cli_progress_update(&prog, r->done, 0);
        }
    }
    /* a bad record ends the run: the directory is not written, so nothing more is done */
    if (!rc && got < 0)
        rc = cli_lib_error("explain", got);
    if (!rc && r->n)
        rc = run_chunk(r, maps, info);
    chunk_clear(r);
    cli_progress_end(&prog, r->done);
    mrl_fasta_close(fa);
    free(maps), free(info);
    return rc;
}

/* An image set: maps, pictures, summary and HTML; no sequence, so no nucleotides. */
static int image_outputs(run_t *r, const uint8_t *rgb, const char *id, const float *maps,
                         const mrl_explain_info_t *info, size_t b, size_t nb)
{
    char name[160];
    float map2d[PLANE];
    if (mrl_report_names_unique(r->names, id, name, sizeof name) < 0)
        return cli_error("explain", "out of memory");
    mrl_report_map_t m = {.id = id, .prob = r->b.prob[b], .margin = r->b.margin[b], .rgb = rgb,
                          .map = map2d, .scale = r->o->x.scale};
    mrl_report_page_record(r->html.fp, name, &m, NULL, 0, 0, -1, -1);
    for (int j = 0; j < r->o->x.nmethods; j++) {
        m.method = r->o->x.methods[j];
        m.info = &info[(size_t)j * nb + b];
        mrl_explain_channel_sum(maps + ((size_t)j * nb + b) * PX, 1, 3, MRL_IMG_H, MRL_IMG_W,
                                map2d);
        int rc = write_files(r, name, maps + ((size_t)j * nb + b) * PX, &m);
        if (rc)
            return rc;
        summary_row(r, &m, ".");
        mrl_report_page_map(r->html.fp, name, &m, 0);
    }
    mrl_report_page_record_end(r->html.fp);
    return 0;
}

static int explain_images(run_t *r, const char *base)
{
    mrl_imageset_t *s = NULL;
    int rc = mrl_imageset_load(&s, base);
    if (rc < 0)
        return cli_lib_error("explain", rc);
    size_t M = (size_t)r->o->x.nmethods;
    float *maps = malloc(M * CHUNK * PX * sizeof(float));
    mrl_explain_info_t *info = malloc(M * CHUNK * sizeof *info);
    rc = maps && info ? 0 : cli_error("explain", "out of memory");
    for (size_t k0 = 0; !rc && k0 < s->n; k0 += CHUNK) {
        size_t nb = s->n - k0 < CHUNK ? s->n - k0 : CHUNK;
        const uint8_t *rgb[CHUNK];
        for (size_t b = 0; b < nb; b++)
            rgb[b] = s->rgb + (k0 + b) * MRL_IMG_BYTES;
        if ((rc = mrl_pipeline_run_images(r->ens, rgb, nb, &r->b)) < 0)
            rc = cli_lib_error("explain", rc);
        if (!rc)
            rc = explain_rows(r, maps, info);
        for (size_t b = 0; !rc && b < nb; b++) {
            char id[32];
            snprintf(id, sizeof id, "img%zu", k0 + b + 1);
            rc = image_outputs(r, rgb[b], s->names ? s->names[k0 + b] : id, maps, info, b, nb);
        }
        r->done += rc ? 0 : (long)nb;
    }
    mrl_imageset_free(s);
    free(maps), free(info);
    return rc;
}

static int open_outputs(run_t *r, const char *input)
{
    const char *names[3] = {"nucleotides.tsv", "summary.tsv", "index.html"};
    mrl_atomic_t *af[3] = {&r->tsv, &r->sum, &r->html};
    for (int k = 0; k < 3; k++) {
        size_t len = strlen(r->dir) + 32;
        char *p = malloc(len);
        if (!p)
            return cli_error("explain", "out of memory");
        snprintf(p, len, "%s/%s", r->dir, names[k]);
        int rc = mrl_atomic_open(af[k], p);
        free(p);
        if (rc < 0)
            return cli_lib_error("explain", rc);
    }
    fputs("id\tposition\tbase\tpartner\tcontext\tmethod\tattribution\n", r->tsv.fp);
    fputs("id\tmethod\tscore\tmargin\tlogit\treference\ttotal\tgap\tnote\n", r->sum.fp);
    mrl_report_page_head(r->html.fp, input, r->o->x.model, &r->o->x.ex, r->o->x.methods,
                         r->o->x.nmethods);
    return 0;
}

static int commit_outputs(run_t *r)
{
    mrl_report_page_end(r->html.fp, r->done, r->refused);
    mrl_atomic_t *af[3] = {&r->tsv, &r->sum, &r->html};
    int rc = 0;
    for (int k = 0; k < 3; k++) {
        int e = mrl_atomic_commit(af[k]);
        if (e < 0 && !rc)
            rc = cli_lib_error("explain", e);
    }
    return rc;
}

int cmd_explain(int argc, char **argv)
{
    if (cli_wants_mutagenesis(argc, argv)) /* sequence edits, not image maps: its own mode */
        return cmd_explain_mut(argc, argv);
    /* set-level analyses with their own parsers: known determinants by number, concept
     * tests (TCAV), motifs, ROAR retraining */
    static const struct {
        const char *flag;
        int (*run)(int, char **);
    } modes[] = {{"--determinants", cmd_explain_det},
                 {"--concepts", cmd_explain_tcav},
                 {"--motifs", cmd_explain_motifs},
                 {"--roar", cmd_explain_roar}};
    for (int k = 1; k < argc; k++)
        for (size_t j = 0; j < sizeof modes / sizeof *modes; j++)
            if (!strcmp(argv[k], modes[j].flag))
                return modes[j].run(argc, argv);
    for (int k = 1; k < argc; k++) /* the set-level modes have their own parser */
        if (!strcmp(argv[k], "--aggregate") || !strcmp(argv[k], "--sanity") ||
            !strncmp(argv[k], "--sanity=", 9))
            return cmd_explain_set(argc, argv);
    opts_t o;
    memset(&o, 0, sizeof o);
    cli_xopts_default(&o.x);
    mrl_report_set_opts_t ro;
    mrl_report_set_opts_default(&ro);
    o.top = ro.top; /* the strongest positions listed, as the set report's pages list them */
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    const char *input = o.images ? o.images : optind < argc ? argv[optind] : "-";
    if (!o.x.model)
        o.x.model = cli_default_model();
    run_t *r = calloc(1, sizeof *r);
    if (!r)
        return cli_error("explain", "out of memory");
    r->o = &o;
    if ((rc = cli_outdir_open("explain", &r->od, o.out)))
        goto done;
    r->dir = r->od.tmp;
    mrl_nn_opts_t no;
    mrl_nn_opts_default(&no);
    no.threads = o.x.threads;
    no.precision = o.x.precision;
    r->b.keep_x = 1;
    if ((rc = mrl_model_load(&r->m, o.x.model)) < 0) {
        rc = cli_lib_error("explain", rc);
        goto done;
    }
    if ((rc = cli_xopts_randomize(&o.x, r->m)))
        goto done;
    if ((rc = mrl_ensemble_new(&r->ens, &r->m, 1, &no)) < 0) {
        rc = cli_lib_error("explain", rc);
        goto done;
    }
    r->nn = mrl_ensemble_nn(r->ens, 0);
    if (!mrl_model_length_range(r->m, &r->len_lo, &r->len_hi))
        r->len_lo = r->len_hi = -1;
    cli_precision_note("explain", o.x.precision, r->nn, o.x.quiet);
    if ((rc = cli_xopts_background(&o.x, r->m)))
        goto done;
    if (o.mature && (rc = mrl_mature_load(&r->mat, o.mature)) < 0) {
        rc = cli_lib_error("explain", rc);
        goto done;
    }
    if (!(r->names = mrl_report_names_new())) {
        rc = cli_error("explain", "out of memory");
        goto done;
    }
    if ((rc = open_outputs(r, input)) == 0 &&
        (rc = o.images ? explain_images(r, input) : explain_input(r, input)) == 0 &&
        (rc = commit_outputs(r)) == 0)
        rc = cli_outdir_commit("explain", &r->od);
    if (!rc && r->outside && !o.x.quiet)
        cli_length_warning("explain", r->outside, r->len_lo, r->len_hi,
                           "summary.tsv's note column");
    if (!rc && !o.x.quiet)
        fprintf(stderr, "mirlens explain: %ld sequence%s explained into %s\n", r->done,
                r->done == 1 ? "" : "s", o.out);
done:
    mrl_atomic_abort(&r->tsv), mrl_atomic_abort(&r->sum), mrl_atomic_abort(&r->html);
    cli_outdir_abort(&r->od);
    mrl_report_names_free(r->names);
    mrl_mature_free(r->mat);
    cli_xopts_release(&o.x);
    mrl_batch_release(&r->b);
    mrl_ensemble_free(r->ens);
    mrl_model_free(r->m);
    free(r);
    return rc;
}
