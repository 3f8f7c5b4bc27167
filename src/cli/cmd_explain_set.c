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
#include "cli.h"

#define CHUNK 32
#define PLANE (MRL_IMG_H * MRL_IMG_W)
#define PX (3 * PLANE)
#define SANITY_PASS 0.5 /* a method passes when its maps' |rank correlation| falls below */

typedef struct sopts {
    cli_xopts_t x;
    int aggregate;
    const char *sanity_in; /* --sanity FILE */
    cli_inputs_t in;
    const char *out, *mature, *shuffled;
    float threshold;
    int faith_n, faith_steps, faith_random, mask, sanity_n, examples, top;
} sopts_t;

typedef struct sitem {
    char *id, *seq; /* seq NULL for image input */
    size_t len;
    int label;  /* 1, 0, or -1 (unlabelled) */
    size_t src; /* image input: index in the set */
} sitem_t;

typedef struct srun {
    const sopts_t *o;
    mrl_model_t *m;
    mrl_nn_t *nn;
    mrl_mature_tab_t *mat;
    sitem_t *it;
    size_t n, cap;
    mrl_imageset_t *set; /* image input */
    int M;               /* methods */
    mrl_agg_t *agg;      /* M accumulators */
    long n_refused, n_duplex, n_done;
    long n_faith;
    /* faithfulness sums: [M][subset 2][4][steps+1], AUCs [M][2][4], counts [M][2] */
    double *fcurve, *fauc;
    long *fcount;
    /* sanity subset */
    size_t ns, ns_cap;
    float *sx, *smaps; /* (ns,3,25,100) inputs; (M,ns_cap,3,25,100) their original maps */
    char **sid;
    /* outputs */
    mrl_atomic_t pred, fseq;
    cli_names_t *names;
    int ex_count[MRL_NOUTCOMES];
    char *ex_name[MRL_NOUTCOMES][64];
    float ex_prob[MRL_NOUTCOMES][64];
    /* sanity results: [M][L + 2] (0 = original, 1..L cascade, L+1 shuffled) */
    int L, layers[MRL_NN_MAX_LAYERS];
    double *rho_s, *rho_a;
    int have_shuffled;
    float *prob; /* per item; NaN when refused */
    long sanity_images;
    double t_agg, t_faith, t_sanity;
} srun_t;

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
            "(motifs.tsv), deletion/insertion faithfulness curves against random\n"
            "orderings (faithfulness*.tsv/svg), optionally the sanity checks, per-sequence\n"
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
            "  --background, --target, --seed, --scale, --max-length: as for explain\n"
            "  -j, --threads N         threads (default 2)\n"
            "  -q, --quiet             no progress on stderr\n",
            SANITY_PASS);
}

static int parse_args(int argc, char **argv, sopts_t *o)
{
    enum {
        O_AGG = 256, O_SANITY, O_POS, O_NEG, O_IMAGES, O_LABELS, O_MATURE, O_THRESH, O_FN,
        O_FSTEPS, O_FRAND, O_MASK, O_SN, O_SHUF, O_EXAMPLES, O_TOP
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
                                 c == O_POS ? 'p' : c == O_NEG ? 'n' : c == O_IMAGES ? 'i' : 'l',
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
        case ':':
            return cli_usage_error("explain", "option '%s' needs a value", argv[optind - 1]);
        case '?':
            return cli_usage_error("explain", "unknown option '%s'", argv[optind - 1]);
        default:
            bad = cli_xopt_handle(c, optarg, &o->x);
            if (bad < 0)
                return cli_usage_error("explain", "unknown option '%s'", argv[optind - 1]);
        }
        if (bad)
            return CLI_USAGE;
    }
    if (optind < argc)
        return cli_usage_error("explain", "unexpected argument '%s' (inputs go with --pos, "
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

static int add_item(srun_t *r, const char *id, const char *seq, size_t len, int label)
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
        if ((rc = add_item(r, rec.id, rec.seq, rec.len, label)))
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
        rc = add_item(r, r->set->names ? r->set->names[k] : id, NULL, 0, label);
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

/* ---- per-sequence example pages ------------------------------------------------------- */

static char *path_join(const char *dir, const char *a, const char *b, const char *c)
{
    size_t len = strlen(dir) + strlen(a) + strlen(b) + strlen(c) + 4;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s/%s%s%s", dir, a, b, c);
    return p;
}

static int open_in(mrl_atomic_t *af, const char *dir, const char *name)
{
    char *p = path_join(dir, name, "", "");
    if (!p)
        return cli_error("explain", "out of memory");
    int rc = mrl_atomic_open(af, p);
    free(p);
    return rc < 0 ? cli_lib_error("explain", rc) : 0;
}

static int commit(mrl_atomic_t *af)
{
    int rc = mrl_atomic_commit(af);
    return rc < 0 ? cli_lib_error("explain", rc) : 0;
}

static const char page_css[] =
    "<style>\nbody{font-family:sans-serif;margin:1.5em;color:#222;max-width:1400px}\n"
    "section{border-top:2px solid #ccc;margin-top:1.5em;padding-top:.5em}\n"
    ".m{display:inline-block;vertical-align:top;margin:.5em 1.5em .5em 0}\n"
    "img{max-width:100%;border:1px solid #ddd;margin:.3em 0}\n"
    "code{font-size:.85em;word-break:break-all}\n"
    "table{border-collapse:collapse;font-size:.85em;margin:.5em 0}\n"
    "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}\n"
    "th{background:#f3f3f3}td.l,th.l{text-align:left}\n"
    ".pos{color:#b40426}.neg{color:#3b4cc0}.ok{color:#1a7f37;font-weight:bold}"
    ".bad{color:#b40426;font-weight:bold}\n</style>\n";

/* Checks, once the page has loaded, that every picture could be drawn: a broken one is
 * reported on the browser console and marked on <body> (what the headless-browser test reads). */
static const char page_check[] =
    "<script>\nwindow.addEventListener(\"load\", function () {\n"
    "  var bad = 0, im = document.images;\n"
    "  for (var i = 0; i < im.length; i++)\n"
    "    if (!im[i].complete || im[i].naturalWidth === 0) {\n"
    "      bad++;\n"
    "      console.error(\"mirlens report: cannot load \" + im[i].getAttribute(\"src\"));\n"
    "    }\n"
    "  document.body.setAttribute(\"data-images\", bad ? \"broken\" : \"ok\");\n"
    "  document.body.setAttribute(\"data-images-n\", String(im.length));\n"
    "});\n</script>\n";

/* seq/NAME.html: the hairpin and every method's picture, drawing and strongest positions. */
static int write_example(srun_t *r, const sitem_t *it, const mrl_fe_item_t *fe, const float *maps,
                         size_t b, size_t nb, float prob, int g)
{
    const sopts_t *o = r->o;
    char name[160], dir[4096];
    if (r->ex_count[g] >= o->examples || r->ex_count[g] >= 64)
        return 0;
    if (cli_names_unique(r->names, it->id, name, sizeof name) < 0)
        return cli_error("explain", "out of memory");
    snprintf(dir, sizeof dir, "%s/seq", o->out);
    size_t n = it->len;
    int *pt = malloc(n * sizeof(int)), rc = 0;
    uint8_t *ctx = malloc(n), *pic = NULL;
    float *attr = malloc(n * sizeof(float)), map2d[PLANE];
    mrl_atomic_t html = {0};
    if (!pt || !ctx || !attr)
        rc = cli_error("explain", "out of memory");
    if (!rc && (rc = mrl_explain_structure(fe->structure, n, pt, ctx)) < 0)
        rc = cli_lib_error("explain", rc);
    char *hp = path_join(dir, name, ".html", "");
    if (!rc && (!hp || (rc = mrl_atomic_open(&html, hp)) < 0))
        rc = hp ? cli_lib_error("explain", rc) : cli_error("explain", "out of memory");
    free(hp);
    if (!rc) {
        char eb[16];
        FILE *fp = html.fp;
        mrl_energy_str(fe->mfe, eb);
        fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", fp);
        cli_html_escape(fp, it->id);
        fprintf(fp, "</title>\n%s</head>\n<body>\n<p><a href=\"../index.html\">back to the set"
                    "</a></p>\n<h1>", page_css);
        cli_html_escape(fp, it->id);
        fprintf(fp,
                "</h1>\n<p>%s; label %s; P(pre-miRNA) = %.4f; %zu nt, MFE %s kcal/mol.</p>\n"
                "<p><code>",
                mrl_outcome_name(g), it->label ? "pre-miRNA" : "other", (double)prob, n, eb);
        cli_html_escape(fp, it->seq);
        fprintf(fp, "<br>%s</code></p>\n", fe->structure);
    }
    for (int j = 0; !rc && j < r->M; j++) {
        const char *method = mrl_explain_method_name(o->x.methods[j]);
        mrl_explain_channel_sum(maps + ((size_t)j * nb + b) * PX, 1, 3, MRL_IMG_H, MRL_IMG_W,
                                map2d);
        mrl_explain_nucleotides(&fe->hp, map2d, n, attr, NULL);
        char stem[512];
        snprintf(stem, sizeof stem, "%s.%s", name, method);
        char *png = path_join(dir, stem, ".png", ""), *svg = path_join(dir, stem, ".svg", "");
        int w, h;
        if (!png || !svg) {
            rc = cli_error("explain", "out of memory");
        } else {
            rc = mrl_explain_overlay(fe->hp.rgb, map2d, o->x.scale, &pic, &w, &h);
            if (!rc)
                rc = mrl_png_write(png, pic, w, h, 1);
            char title[512];
            snprintf(title, sizeof title, "%s - %s", it->id, method);
            if (!rc)
                rc = mrl_explain_svg_write(svg, it->seq, fe->structure, n, attr, title);
            if (rc < 0)
                rc = cli_lib_error("explain", rc);
        }
        free(png), free(svg), free(pic);
        pic = NULL;
        if (!rc) {
            FILE *fp = html.fp;
            fprintf(fp,
                    "<div class=\"m\"><h3>%s</h3>\n<img src=\"%s.%s.png\" alt=\"%s map\">\n"
                    "<img src=\"%s.%s.svg\" alt=\"%s structure\">\n",
                    method, name, method, method, name, method, method);
            cli_html_top(fp, it->seq, n, pt, ctx, attr, o->top);
            fputs("</div>\n", fp);
        }
    }
    if (!rc) {
        fprintf(html.fp, "%s</body>\n</html>\n", page_check);
        rc = commit(&html);
    }
    mrl_atomic_abort(&html);
    if (!rc) {
        r->ex_name[g][r->ex_count[g]] = strdup(name);
        r->ex_prob[g][r->ex_count[g]] = prob;
        if (!r->ex_name[g][r->ex_count[g]++])
            rc = cli_error("explain", "out of memory");
    }
    free(pt), free(ctx), free(attr);
    return rc;
}

/* ---- the pass over the set ----------------------------------------------------------- */

static int faith_one(srun_t *r, const sitem_t *it, const mrl_fe_item_t *fe, const float *maps,
                     size_t b, size_t nb, long index, float prob)
{
    const sopts_t *o = r->o;
    int S = o->faith_steps, called = prob >= o->threshold, rc = 0;
    size_t n = it->len;
    float *attr = malloc(n * sizeof(float)), *curves = malloc(4 * (size_t)(S + 1) * sizeof(float));
    float map2d[PLANE];
    if (!attr || !curves) {
        free(attr), free(curves);
        return cli_error("explain", "out of memory");
    }
    mrl_faith_opts_t fo;
    mrl_faith_opts_default(&fo);
    fo.steps = S, fo.mask = o->mask, fo.n_random = o->faith_random;
    fo.target = o->x.ex.target, fo.seed = o->x.ex.seed;
    for (int j = 0; !rc && j < r->M; j++) {
        double auc[4];
        mrl_explain_channel_sum(maps + ((size_t)j * nb + b) * PX, 1, 3, MRL_IMG_H, MRL_IMG_W,
                                map2d);
        mrl_explain_nucleotides(&fe->hp, map2d, n, attr, NULL);
        if (!mrl_explain_method_is_contribution(o->x.methods[j])) /* rank by magnitude */
            for (size_t p = 0; p < n; p++)
                attr[p] = fabsf(attr[p]);
        rc = mrl_faith_curves(r->nn, r->m, &fe->hp, it->seq, fe->structure, n, attr, index, &fo,
                              curves, auc);
        if (rc < 0) {
            rc = cli_lib_error("explain", rc);
            break;
        }
        for (int sub = 0; sub < 2; sub++) {
            if (sub == 1 && !called)
                continue;
            size_t base = ((size_t)j * 2 + sub);
            double *fc = r->fcurve + base * 4 * (size_t)(S + 1);
            for (int k = 0; k < 4 * (S + 1); k++)
                fc[k] += (double)curves[k];
            for (int k = 0; k < 4; k++)
                r->fauc[base * 4 + k] += auc[k];
            r->fcount[base]++;
        }
        fprintf(r->fseq.fp, "%s\t%s\t%d\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\n", it->id,
                mrl_explain_method_name(o->x.methods[j]), it->label, (double)prob, auc[0], auc[1],
                auc[2], auc[3]);
    }
    free(attr), free(curves);
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
static int agg_seq(srun_t *r, int j, int g, const sitem_t *it, const mrl_fe_item_t *fe,
                   const float *map2d, float *attr, int *pt, uint8_t *ctx)
{
    int duplex[4], range[4], len, have = 0;
    mrl_explain_nucleotides(&fe->hp, map2d, it->len, attr, NULL);
    if (r->mat && it->label == 1 && mrl_mature_find(r->mat, it->id, range, &len) &&
        (size_t)len == it->len && mrl_explain_structure(fe->structure, it->len, pt, ctx) == 0)
        have = mrl_duplex_regions(pt, it->len, range, duplex, NULL) == 0;
    if (j == 0)
        r->n_duplex += have;
    int rc = mrl_agg_add_seq(&r->agg[j], g, it->seq, fe->structure, it->len, &fe->hp, attr,
                             have ? duplex : NULL);
    return rc < 0 ? cli_lib_error("explain", rc) : 0;
}

typedef struct chunkbuf {
    float *x, *maps, *probs;
    mrl_explain_info_t *info;
    mrl_fe_item_t fe[CHUNK];
    size_t idx[CHUNK]; /* item index of batch slot b */
    float *attr;
    int *pt;
    uint8_t *ctx;
    size_t attr_cap;
} chunkbuf_t;

static int run_chunk(srun_t *r, chunkbuf_t *cb, size_t k0, size_t k1)
{
    const sopts_t *o = r->o;
    size_t nb = 0;
    int rc = 0;
    int fasta = r->set == NULL;
    memset(cb->fe, 0, sizeof cb->fe);
    if (fasta) {
        const char *seq[CHUNK];
        size_t len[CHUNK];
        for (size_t k = k0; k < k1; k++)
            seq[k - k0] = r->it[k].seq, len[k - k0] = r->it[k].len;
        mrl_fe_opts_t fe;
        mrl_fe_opts_default(&fe);
        fe.threads = o->x.threads;
        if ((rc = mrl_fold_encode_batch(seq, len, k1 - k0, &fe, cb->fe)) < 0)
            return cli_lib_error("explain", rc);
    }
    for (size_t k = k0; k < k1; k++) {
        if (fasta && cb->fe[k - k0].rc != 0) {
            r->n_refused++;
            if (!o->x.quiet)
                fprintf(stderr, "mirlens explain: %s: no hairpin loop in the fold; skipped\n",
                        r->it[k].id);
            continue;
        }
        const uint8_t *rgb =
            fasta ? cb->fe[k - k0].hp.rgb : r->set->rgb + r->it[k].src * MRL_IMG_BYTES;
        mrl_model_normalize(r->m, rgb, 1, cb->x + nb * PX);
        if (fasta && r->it[k].len > cb->attr_cap) {
            size_t cap = r->it[k].len * 2;
            free(cb->attr), free(cb->pt), free(cb->ctx);
            cb->attr = malloc(cap * sizeof(float)), cb->pt = malloc(cap * sizeof(int));
            cb->ctx = malloc(cap);
            if (!cb->attr || !cb->pt || !cb->ctx)
                return cli_error("explain", "out of memory");
            cb->attr_cap = cap;
        }
        cb->idx[nb++] = k;
    }
    if (!nb)
        return 0;
    if ((rc = mrl_nn_predict(r->nn, cb->x, nb, cb->probs)) < 0)
        return cli_lib_error("explain", rc);
    double t0 = cli_now();
    for (int j = 0; j < r->M; j++) {
        mrl_explain_opts_t eo = o->x.ex;
        eo.method = o->x.methods[j];
        rc = mrl_explain(r->nn, r->m, cb->x, nb, &eo, cb->maps + (size_t)j * nb * PX,
                         cb->info + (size_t)j * nb);
        if (rc < 0)
            return cli_lib_error("explain", rc);
    }
    r->t_agg += cli_now() - t0;
    float map2d[PLANE];
    for (size_t b = 0; b < nb && !rc; b++) {
        size_t k = cb->idx[b];
        const sitem_t *it = &r->it[k];
        const mrl_fe_item_t *fe = fasta ? &cb->fe[k - k0] : NULL;
        float prob = cb->probs[2 * b + 1];
        r->prob[k] = prob;
        int g = it->label >= 0 ? mrl_outcome_of(it->label, prob, o->threshold) : -1;
        if (o->aggregate) {
            fprintf(r->pred.fp, "%s\t%d\t%.6g\t%s\n", it->id, it->label, (double)prob,
                    mrl_outcome_name(g));
            for (int j = 0; j < r->M && !rc; j++) {
                mrl_explain_channel_sum(cb->maps + ((size_t)j * nb + b) * PX, 1, 3, MRL_IMG_H,
                                        MRL_IMG_W, map2d);
                mrl_agg_add_map(&r->agg[j], g, map2d, fe ? fe->hp.used : MRL_IMG_W);
                if (fe)
                    rc = agg_seq(r, j, g, it, fe, map2d, cb->attr, cb->pt, cb->ctx);
            }
            if (!rc && fe && o->faith_n && picked(k, r->n, (size_t)o->faith_n)) {
                double t1 = cli_now();
                rc = faith_one(r, it, fe, cb->maps, b, nb, (long)k, prob);
                r->n_faith++;
                r->t_faith += cli_now() - t1;
            }
            if (!rc && fe && o->examples)
                rc = write_example(r, it, fe, cb->maps, b, nb, prob, g);
        }
        if (!rc && r->ns_cap && picked(k, r->n, r->ns_cap))
            rc = keep_sanity(r, cb->x, b, it->id);
        r->n_done++;
    }
    return rc;
}

static int run_pass(srun_t *r)
{
    const sopts_t *o = r->o;
    chunkbuf_t cb;
    memset(&cb, 0, sizeof cb);
    cb.x = malloc((size_t)CHUNK * PX * sizeof(float));
    cb.maps = malloc((size_t)r->M * CHUNK * PX * sizeof(float));
    cb.probs = malloc(CHUNK * 2 * sizeof(float));
    cb.info = malloc((size_t)r->M * CHUNK * sizeof *cb.info);
    int rc = cb.x && cb.maps && cb.probs && cb.info ? 0 : cli_error("explain", "out of memory");
    cli_progress_t prog;
    cli_progress_init(&prog, "hairpins", o->x.quiet);
    for (size_t k0 = 0; !rc && k0 < r->n; k0 += CHUNK) {
        size_t k1 = k0 + CHUNK < r->n ? k0 + CHUNK : r->n;
        rc = run_chunk(r, &cb, k0, k1);
        mrl_fe_items_release(cb.fe, k1 - k0);
        cli_progress_update(&prog, (long)k1, (long)r->n);
    }
    cli_progress_end(&prog, r->n_done);
    free(cb.x), free(cb.maps), free(cb.probs), free(cb.info);
    free(cb.attr), free(cb.pt), free(cb.ctx);
    return rc;
}

/* ---- sanity checks ------------------------------------------------------------------ */

static int maps_of(srun_t *r, mrl_nn_t *nn, mrl_model_t *m, int j, float *out)
{
    mrl_explain_opts_t eo = r->o->x.ex;
    eo.method = r->o->x.methods[j];
    int rc = mrl_explain(nn, m, r->sx, r->ns, &eo, out, NULL);
    return rc < 0 ? cli_lib_error("explain", rc) : 0;
}

/* Mean of the finite per-image correlations. */
static double mean_finite(const double *v, size_t n)
{
    double s = 0;
    long k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            s += v[i], k++;
    return k ? s / (double)k : (double)NAN;
}

static int compare(srun_t *r, int j, const float *maps, int step)
{
    double *rs = malloc(r->ns * sizeof(double)), *ra = malloc(r->ns * sizeof(double));
    int rc = rs && ra ? 0 : MRL_ERR_NOMEM;
    if (!rc)
        rc = mrl_maps_rank_corr(r->smaps + (size_t)j * r->ns_cap * PX, maps, r->ns, 3, MRL_IMG_H,
                                MRL_IMG_W, rs, ra);
    if (!rc) {
        r->rho_s[(size_t)j * (size_t)(r->L + 2) + (size_t)step] = mean_finite(rs, r->ns);
        r->rho_a[(size_t)j * (size_t)(r->L + 2) + (size_t)step] = mean_finite(ra, r->ns);
    }
    free(rs), free(ra);
    return rc < 0 ? cli_lib_error("explain", rc) : 0;
}

static int run_sanity(srun_t *r)
{
    const sopts_t *o = r->o;
    double t0 = cli_now();
    r->L = mrl_model_param_layers(r->m, r->layers);
    size_t cols = (size_t)r->L + 2;
    r->rho_s = malloc((size_t)r->M * cols * sizeof(double));
    r->rho_a = malloc((size_t)r->M * cols * sizeof(double));
    float *maps = malloc(r->ns * PX * sizeof(float));
    mrl_model_t *rm = NULL, *sm = NULL;
    mrl_nn_t *rnn = NULL, *snn = NULL;
    mrl_nn_opts_t no;
    mrl_nn_opts_default(&no);
    no.threads = o->x.threads;
    int rc = r->rho_s && r->rho_a && maps ? 0 : cli_error("explain", "out of memory");
    for (size_t k = 0; !rc && k < (size_t)r->M * cols; k++)
        r->rho_s[k] = r->rho_a[k] = (double)NAN;
    if (!rc && ((rc = mrl_model_clone(&rm, r->m)) < 0 || (rc = mrl_nn_new(&rnn, rm, &no)) < 0))
        rc = cli_lib_error("explain", rc);
    for (int j = 0; !rc && j < r->M; j++) { /* the original maps, and rho = 1 by definition */
        rc = maps_of(r, r->nn, r->m, j, r->smaps + (size_t)j * r->ns_cap * PX);
        r->rho_s[(size_t)j * cols] = r->rho_a[(size_t)j * cols] = 1;
    }
    cli_progress_t prog;
    cli_progress_init(&prog, "sanity steps", o->x.quiet);
    for (int s = 0; !rc && s < r->L; s++) {
        if ((rc = mrl_model_randomize_layer(rm, r->layers[s], o->x.ex.seed + 1000003)) < 0) {
            rc = cli_lib_error("explain", rc);
            break;
        }
        for (int j = 0; !rc && j < r->M; j++)
            if (!(rc = maps_of(r, rnn, rm, j, maps)))
                rc = compare(r, j, maps, s + 1);
        cli_progress_update(&prog, s + 1, r->L + (o->shuffled != NULL));
    }
    if (!rc && o->shuffled) {
        if ((rc = mrl_model_load(&sm, o->shuffled)) < 0 || (rc = mrl_nn_new(&snn, sm, &no)) < 0)
            rc = cli_lib_error("explain", rc);
        for (int j = 0; !rc && j < r->M; j++)
            if (!(rc = maps_of(r, snn, sm, j, maps)))
                rc = compare(r, j, maps, r->L + 1);
        r->have_shuffled = !rc;
    }
    cli_progress_end(&prog, r->L);
    mrl_nn_free(rnn), mrl_nn_free(snn);
    mrl_model_free(rm), mrl_model_free(sm);
    free(maps);
    r->sanity_images = (long)r->ns;
    r->t_sanity = cli_now() - t0;
    return rc;
}

/* Mean |rho_signed| over the cascade steps of method j (NaN steps skipped). */
static double cascade_mean(const srun_t *r, int j)
{
    size_t cols = (size_t)r->L + 2;
    double sum = 0;
    int k = 0;
    for (int s = 1; s <= r->L; s++) {
        double v = r->rho_s[(size_t)j * cols + (size_t)s];
        if (isfinite(v))
            sum += fabs(v), k++;
    }
    return k ? sum / k : (double)NAN;
}

/* Verdict of method j: 1 pass, 0 fail, -1 not run. A method passes when its signed maps
 * decorrelate from the original ones as the layers are randomised (mean |rho| over the
 * cascade below SANITY_PASS) and, given a shuffled-label model, for that model too. */
static int sanity_pass(const srun_t *r, int j)
{
    if (!r->rho_a)
        return -1;
    size_t cols = (size_t)r->L + 2;
    double casc = cascade_mean(r, j), shuf = r->rho_s[(size_t)j * cols + (size_t)r->L + 1];
    int ok = isfinite(casc) && casc < SANITY_PASS;
    if (r->have_shuffled)
        ok = ok && isfinite(shuf) && fabs(shuf) < SANITY_PASS;
    return ok;
}

static const char *layer_label(const srun_t *r, int s, char *buf, size_t cap)
{
    const mrl_arch_t *a = mrl_model_arch(r->m);
    int l = r->layers[s];
    snprintf(buf, cap, "%s%d", a->layer[l].kind == MRL_LAYER_DENSE ? "dense" : "conv", l);
    return buf;
}

static int write_sanity(srun_t *r)
{
    mrl_atomic_t t = {0}, svg = {0};
    size_t cols = (size_t)r->L + 2;
    int rc = open_in(&t, r->o->out, "sanity.tsv");
    if (rc)
        return rc;
    fputs("method\ttest\tstep\tlayer\trho_signed\trho_abs\tn_images\n", t.fp);
    char lname[32];
    for (int j = 0; j < r->M; j++) {
        const char *meth = mrl_explain_method_name(r->o->x.methods[j]);
        for (size_t s = 0; s < cols; s++) {
            if (s == cols - 1 && !r->have_shuffled)
                continue;
            const char *test = s == 0 ? "original" : s == cols - 1 ? "shuffled-labels" : "cascade";
            const char *layer = s == 0 || s == cols - 1 ? "-" : layer_label(r, (int)s - 1, lname, 32);
            fprintf(t.fp, "%s\t%s\t%zu\t%s\t%.4f\t%.4f\t%zu\n", meth, test, s, layer,
                    r->rho_s[(size_t)j * cols + s], r->rho_a[(size_t)j * cols + s], r->ns);
        }
    }
    rc = commit(&t);
    if (!rc && !(rc = open_in(&svg, r->o->out, "sanity.svg"))) {
        double *x = malloc(cols * sizeof(double));
        const double **y = malloc((size_t)r->M * 2 * sizeof *y);
        const char **names = malloc((size_t)r->M * 2 * sizeof *names);
        char(*lab)[64] = malloc((size_t)r->M * 64);
        if (x && y && names && lab) {
            for (size_t s = 0; s < cols; s++)
                x[s] = (double)s;
            for (int j = 0; j < r->M; j++) {
                y[j] = r->rho_s + (size_t)j * cols;
                names[j] = mrl_explain_method_name(r->o->x.methods[j]);
                y[r->M + j] = r->rho_a + (size_t)j * cols;
                snprintf(lab[j], 64, "%s |map|", names[j]);
                names[r->M + j] = lab[j];
            }
            cli_svg_lines(svg.fp,
                          "Cascading randomisation: rank correlation with the original maps",
                          "layers randomised from the output down (last point: shuffled-label "
                          "model)",
                          "Spearman rho (dashed: of |map|)", x,
                          (int)(r->have_shuffled ? cols : cols - 1), 2 * r->M, names, y, r->M);
            rc = commit(&svg);
        } else {
            rc = cli_error("explain", "out of memory");
        }
        free(x), free((void *)y), free((void *)names), free(lab);
    }
    mrl_atomic_abort(&t), mrl_atomic_abort(&svg);
    return rc;
}

/* ---- aggregate tables and figures ----------------------------------------------------- */

static const char *const ctx_short[MRL_AGG_NCTX] = {"stem",      "bulge",  "interior",
                                                    "terminal-loop", "multiloop", "flank5",
                                                    "flank3",    "exterior"};

static double ratio(double a, double b)
{
    return b > 0 ? a / b : (double)NAN;
}

/* One categories.tsv block: mean share per image and nucleotide share. */
static void cat_rows(FILE *fp, const char *meth, int g, const char *table, const mrl_agg_bin_t *b,
                     int nb, long nimg, const char *(*name)(int))
{
    for (int k = 0; k < nb; k++) {
        double share = ratio(b[k].sum_abs, (double)nimg), nt = ratio(b[k].frac, (double)nimg);
        fprintf(fp, "%s\t%s\t%s\t%s\t%.0f\t%.5f\t%.5f\t%.4f\t%.6g\n", meth, mrl_outcome_name(g),
                table, name(k), b[k].n, nt, share, ratio(share, nt), ratio(b[k].sum, b[k].n));
    }
}

static const char *ctx_name(int k)
{
    return mrl_context_name(k);
}

static int write_tables(srun_t *r)
{
    const char *dir = r->o->out;
    char sub[4096];
    snprintf(sub, sizeof sub, "%s/aggregate", dir);
    mrl_atomic_t f[5] = {{0}};
    const char *names[5] = {"columns.tsv", "profile.tsv", "categories.tsv", "cutsites.tsv",
                            "motifs.tsv"};
    int rc = 0;
    for (int k = 0; k < 5 && !rc; k++)
        rc = open_in(&f[k], sub, names[k]);
    if (rc) {
        for (int k = 0; k < 5; k++)
            mrl_atomic_abort(&f[k]);
        return rc;
    }
    fputs("method\tgroup\tstrand\tcolumn\tn_images\tmean_share\tmean_abs_share\n", f[0].fp);
    fputs("method\tgroup\tstrand\tdistance\tn\tmean_share\tmean_abs_share\n", f[1].fp);
    fputs("method\tgroup\ttable\tcategory\tn_nt\tnt_share\tattr_share\tenrichment\t"
          "mean_signed\n",
          f[2].fp);
    fputs("method\tgroup\tsite\toffset\tn\tmean_share\tmean_abs_share\n", f[3].fp);
    fputs("method\tgroup\tscope\tkmer\toccurrences\tin_top\texpected\tenrichment\tz\n", f[4].fp);
    static const char *const strand3[3] = {"5p-arm", "loop", "3p-arm"};
    for (int j = 0; j < r->M; j++) {
        const char *meth = mrl_explain_method_name(r->o->x.methods[j]);
        const mrl_agg_t *a = &r->agg[j];
        for (int g = 0; g < MRL_NOUTCOMES; g++) {
            if (!a->n_img[g])
                continue;
            for (int h = 0; h < 2; h++)
                for (int c = 0; c < MRL_IMG_W; c++) {
                    const mrl_agg_bin_t *b = &a->col[g][h][c];
                    if (b->n > 0)
                        fprintf(f[0].fp, "%s\t%s\t%s\t%d\t%.0f\t%.6g\t%.6g\n", meth,
                                mrl_outcome_name(g), h ? "bottom-3p" : "top-5p", c, b->n,
                                b->sum / b->n, b->sum_abs / b->n);
                }
            if (!a->n_seq[g])
                continue;
            for (int s = 0; s < 3; s++)
                for (int d = 0; d < MRL_AGG_NDIST; d++) {
                    const mrl_agg_bin_t *b = &a->dist[g][s][d];
                    if (b->n > 0)
                        fprintf(f[1].fp, "%s\t%s\t%s\t%d\t%.0f\t%.6g\t%.6g\n", meth,
                                mrl_outcome_name(g), strand3[s], d, b->n, b->sum / b->n,
                                b->sum_abs / b->n);
                }
            cat_rows(f[2].fp, meth, g, "context", a->ctx[g], MRL_AGG_NCTX, a->n_seq[g], ctx_name);
            cat_rows(f[2].fp, meth, g, "base", a->base[g], MRL_AGG_NBASE, a->n_seq[g],
                     mrl_agg_base_name);
            cat_rows(f[2].fp, meth, g, "pair", a->pair[g], MRL_AGG_NPAIR, a->n_seq[g],
                     mrl_agg_pair_name);
            if (a->n_duplex[g])
                cat_rows(f[2].fp, meth, g, "region", a->region[g], MRL_NREGIONS, a->n_duplex[g],
                         mrl_region_name);
            for (int s = 0; a->n_duplex[g] && s < MRL_AGG_NCUT; s++)
                for (int off = 0; off <= 2 * MRL_AGG_CUT_W; off++) {
                    const mrl_agg_bin_t *b = &a->cut[g][s][off];
                    if (b->n > 0)
                        fprintf(f[3].fp, "%s\t%s\t%s\t%d\t%.0f\t%.6g\t%.6g\n", meth,
                                mrl_outcome_name(g), mrl_agg_cut_name(s), off - MRL_AGG_CUT_W,
                                b->n, b->sum / b->n, b->sum_abs / b->n);
                }
            for (int scope = 0; scope < 2; scope++)
                for (int k = 0; k < MRL_AGG_NKMER; k++) {
                    double en, z;
                    char km[4];
                    if (a->kmer_occ[g][scope][k] == 0)
                        continue;
                    mrl_agg_kmer_stats(a, g, scope, k, &en, &z);
                    fprintf(f[4].fp, "%s\t%s\t%s\t%s\t%.0f\t%.0f\t%.2f\t%.4f\t%.3f\n", meth,
                            mrl_outcome_name(g), scope ? "near-loop" : "all",
                            mrl_agg_kmer_str(k, km), a->kmer_occ[g][scope][k],
                            a->kmer_top[g][scope][k], a->kmer_exp[g][scope][k], en, z);
                }
        }
    }
    for (int k = 0; k < 5; k++) {
        int e = commit(&f[k]);
        rc = rc ? rc : e;
        mrl_atomic_abort(&f[k]);
    }
    return rc;
}

/* Mean maps of method j: (4 groups, signed/abs, 25, 100) as .npy, PNG and SVG. */
static int write_maps(srun_t *r, int j)
{
    const mrl_agg_t *a = &r->agg[j];
    const char *meth = mrl_explain_method_name(r->o->x.methods[j]);
    float *m = malloc((size_t)MRL_NOUTCOMES * 2 * PLANE * sizeof(float));
    double *dm = malloc((size_t)MRL_NOUTCOMES * 2 * PLANE * sizeof(double));
    if (!m || !dm) {
        free(m), free(dm);
        return cli_error("explain", "out of memory");
    }
    const double *panel[2 * MRL_NOUTCOMES];
    char labels[2 * MRL_NOUTCOMES][96];
    const char *lp[2 * MRL_NOUTCOMES];
    int np = 0;
    for (int g = 0; g < MRL_NOUTCOMES; g++)
        for (int kind = 0; kind < 2; kind++) {
            double *d = dm + ((size_t)g * 2 + (size_t)kind) * PLANE;
            for (int k = 0; k < PLANE; k++) {
                d[k] = a->n_img[g] ? (kind ? a->map_abs[g][k] : a->map_sum[g][k]) /
                                         (double)a->n_img[g]
                                   : 0;
                m[((size_t)g * 2 + (size_t)kind) * PLANE + (size_t)k] = (float)d[k];
            }
        }
    for (int kind = 0; kind < 2; kind++) /* signed panels first, then magnitudes */
        for (int g = 0; g < MRL_NOUTCOMES; g++) {
            if (!a->n_img[g])
                continue;
            snprintf(labels[np], sizeof labels[np], "%s, n = %ld: mean %s", mrl_outcome_name(g),
                     a->n_img[g], kind ? "|share|" : "signed share");
            lp[np] = labels[np];
            panel[np++] = dm + ((size_t)g * 2 + (size_t)kind) * PLANE;
        }
    char sub[4096], *npy = NULL;
    snprintf(sub, sizeof sub, "%s/aggregate", r->o->out);
    const size_t shape[4] = {MRL_NOUTCOMES, 2, MRL_IMG_H, MRL_IMG_W};
    int rc = (npy = path_join(sub, "maps.", meth, ".npy")) ? mrl_npy_write(npy, m, 4, shape)
                                                          : MRL_ERR_NOMEM;
    free(npy);
    /* PNG: the panels stacked, 4x enlarged, 6 white rows between them */
    int sc = 4, W = MRL_IMG_W * sc, H = np * (MRL_IMG_H * sc + 6);
    uint8_t *pic = rc ? NULL : malloc((size_t)W * (size_t)H * 3);
    if (!rc && !pic)
        rc = MRL_ERR_NOMEM;
    if (!rc) {
        memset(pic, 255, (size_t)W * (size_t)H * 3);
        for (int p = 0; p < np; p++) {
            double mx = 0;
            for (int k = 0; k < PLANE; k++)
                mx = fmax(mx, fabs(panel[p][k]));
            for (int y = 0; y < MRL_IMG_H * sc; y++)
                for (int x = 0; x < W; x++) {
                    uint8_t *px = pic + (((size_t)p * (MRL_IMG_H * sc + 6) + (size_t)y) * (size_t)W +
                                         (size_t)x) * 3;
                    double v = panel[p][(y / sc) * MRL_IMG_W + x / sc];
                    mrl_explain_colour(mx > 0 ? (float)(v / mx) : 0.0f, px);
                }
        }
        char *png = path_join(sub, "maps.", meth, ".png");
        rc = png ? mrl_png_write(png, pic, W, H, 1) : MRL_ERR_NOMEM;
        free(png);
    }
    free(pic), free(m);
    if (rc < 0) {
        free(dm);
        return cli_lib_error("explain", rc);
    }
    mrl_atomic_t svg = {0};
    char fname[256], title[256];
    snprintf(fname, sizeof fname, "maps.%s.svg", meth);
    snprintf(title, sizeof title, "%s: mean attribution maps (each image's map / sum |map|)",
             meth);
    if (!(rc = open_in(&svg, sub, fname))) {
        cli_svg_heatmaps(svg.fp, title, np, lp, panel, MRL_IMG_H, MRL_IMG_W);
        rc = commit(&svg);
    }
    mrl_atomic_abort(&svg);
    free(dm);
    return rc;
}

/* An SVG in DIR/aggregate written by fn. */
typedef void (*figure_fn)(srun_t *r, int j, FILE *fp);

static int write_figure(srun_t *r, int j, const char *stem, figure_fn fn)
{
    char sub[4096], fname[256];
    snprintf(sub, sizeof sub, "%s/aggregate", r->o->out);
    snprintf(fname, sizeof fname, "%s.%s.svg", stem, mrl_explain_method_name(r->o->x.methods[j]));
    mrl_atomic_t svg = {0};
    int rc = open_in(&svg, sub, fname);
    if (!rc) {
        fn(r, j, svg.fp);
        rc = commit(&svg);
    }
    mrl_atomic_abort(&svg);
    return rc;
}

/* Mean signed share per nucleotide along the arms, TP and TN. */
static void fig_profile(srun_t *r, int j, FILE *fp)
{
    const mrl_agg_t *a = &r->agg[j];
    enum { ND = 60 };
    static double x[ND], y[4][ND];
    const double *yp[4];
    const char *nm[4];
    char lab[4][48];
    int ns = 0;
    for (int d = 0; d < ND; d++)
        x[d] = d + 1;
    for (int gi = 0; gi < 2; gi++) {
        int g = gi ? MRL_OUT_TN : MRL_OUT_TP;
        for (int s = 0; s < 2; s++) {
            const mrl_agg_bin_t *b = a->dist[g][s ? 2 : 0];
            for (int d = 0; d < ND; d++)
                y[ns][d] = b[d + 1].n > 0 ? b[d + 1].sum / b[d + 1].n : (double)NAN;
            snprintf(lab[ns], sizeof lab[ns], "%s %s arm", mrl_outcome_name(g), s ? "3'" : "5'");
            nm[ns] = lab[ns], yp[ns] = y[ns];
            ns++;
        }
    }
    char title[160];
    snprintf(title, sizeof title, "%s: attribution by distance from the terminal loop",
             mrl_explain_method_name(r->o->x.methods[j]));
    cli_svg_lines(fp, title, "nt from the loop's closing pair (1 = closing base)",
                  "mean signed share per nucleotide", x, ND, ns, nm, yp, -1);
}

/* Share of attribution vs share of nucleotides: contexts and (TP) duplex regions. */
static void fig_categories(srun_t *r, int j, FILE *fp)
{
    const mrl_agg_t *a = &r->agg[j];
    enum { NC = MRL_AGG_NCTX + MRL_NREGIONS };
    static double v[3][NC];
    const char *cats[NC];
    char cl[NC][40];
    int g = MRL_OUT_TP;
    for (int k = 0; k < MRL_AGG_NCTX; k++) {
        v[0][k] = ratio(a->ctx[g][k].sum_abs, (double)a->n_seq[g]);
        v[1][k] = ratio(a->ctx[g][k].frac, (double)a->n_seq[g]);
        v[2][k] = ratio(a->ctx[MRL_OUT_TN][k].sum_abs, (double)a->n_seq[MRL_OUT_TN]);
        cats[k] = ctx_short[k];
    }
    for (int k = 0; k < MRL_NREGIONS; k++) {
        int c = MRL_AGG_NCTX + k;
        v[0][c] = ratio(a->region[g][k].sum_abs, (double)a->n_duplex[g]);
        v[1][c] = ratio(a->region[g][k].frac, (double)a->n_duplex[g]);
        v[2][c] = (double)NAN;
        snprintf(cl[c], sizeof cl[c], "duplex: %s", mrl_region_name(k));
        cats[c] = cl[c];
    }
    const double *vp[3] = {v[0], v[1], v[2]};
    const char *nm[3] = {"TP: share of |attribution|", "TP: share of nucleotides",
                         "TN: share of |attribution|"};
    char title[160];
    snprintf(title, sizeof title, "%s: where the attribution lies",
             mrl_explain_method_name(r->o->x.methods[j]));
    cli_svg_bars(fp, title, "mean share per hairpin", NC, cats, 3, nm, vp);
}

static void fig_cutsites(srun_t *r, int j, FILE *fp)
{
    const mrl_agg_t *a = &r->agg[j];
    enum { NO = 2 * MRL_AGG_CUT_W + 1 };
    static double x[NO], y[MRL_AGG_NCUT][NO];
    const double *yp[MRL_AGG_NCUT];
    const char *nm[MRL_AGG_NCUT];
    for (int o = 0; o < NO; o++)
        x[o] = o - MRL_AGG_CUT_W;
    for (int s = 0; s < MRL_AGG_NCUT; s++) {
        for (int o = 0; o < NO; o++) {
            const mrl_agg_bin_t *b = &a->cut[MRL_OUT_TP][s][o];
            y[s][o] = b->n > 0 ? b->sum / b->n : (double)NAN;
        }
        yp[s] = y[s], nm[s] = mrl_agg_cut_name(s);
    }
    char title[160];
    snprintf(title, sizeof title, "%s: attribution around the cut sites (true positives)",
             mrl_explain_method_name(r->o->x.methods[j]));
    cli_svg_lines(fp, title, "offset from the cut (0 = first nt 3' of it)",
                  "mean signed share per nucleotide", x, NO, MRL_AGG_NCUT, nm, yp, -1);
}

static int write_faith(srun_t *r)
{
    int S = r->o->faith_steps, rc;
    mrl_atomic_t t = {0}, c = {0};
    if ((rc = open_in(&t, r->o->out, "faithfulness.tsv")) ||
        (rc = open_in(&c, r->o->out, "faithfulness_curves.tsv"))) {
        mrl_atomic_abort(&t);
        return rc;
    }
    fputs("method\tsubset\tn\tauc_deletion\tauc_insertion\tauc_deletion_random\t"
          "auc_insertion_random\n",
          t.fp);
    fputs("method\tsubset\tcurve\tstep\tfraction\tmean_prob\n", c.fp);
    static const char *const cn[4] = {"deletion", "insertion", "deletion-random",
                                      "insertion-random"};
    for (int j = 0; j < r->M; j++)
        for (int sub = 0; sub < 2; sub++) {
            size_t base = (size_t)j * 2 + (size_t)sub;
            long n = r->fcount[base];
            if (!n)
                continue;
            const char *meth = mrl_explain_method_name(r->o->x.methods[j]);
            const char *sn = sub ? "called-positive" : "all";
            fprintf(t.fp, "%s\t%s\t%ld", meth, sn, n);
            for (int k = 0; k < 4; k++)
                fprintf(t.fp, "\t%.5f", r->fauc[base * 4 + (size_t)k] / (double)n);
            fputc('\n', t.fp);
            for (int k = 0; k < 4; k++)
                for (int s = 0; s <= S; s++)
                    fprintf(c.fp, "%s\t%s\t%s\t%d\t%.4f\t%.6g\n", meth, sn, cn[k], s,
                            (double)s / S,
                            r->fcurve[(base * 4 + (size_t)k) * (size_t)(S + 1) + (size_t)s] /
                                (double)n);
        }
    rc = commit(&t);
    int e = commit(&c);
    mrl_atomic_abort(&t), mrl_atomic_abort(&c);
    rc = rc ? rc : e;
    /* figures: deletion and insertion curves of every method (all images), random dashed */
    for (int k = 0; !rc && k < 2; k++) {
        mrl_atomic_t svg = {0};
        if ((rc = open_in(&svg, r->o->out, k ? "insertion.svg" : "deletion.svg")))
            break;
        double *x = malloc((size_t)(S + 1) * sizeof(double));
        const double **y = malloc((size_t)(r->M + 1) * sizeof *y);
        const char **nm = malloc((size_t)(r->M + 1) * sizeof *nm);
        double *ys = malloc((size_t)(r->M + 1) * (size_t)(S + 1) * sizeof(double));
        if (!x || !y || !nm || !ys) {
            rc = cli_error("explain", "out of memory");
        } else {
            int ns = 0;
            for (int s = 0; s <= S; s++)
                x[s] = (double)s / S;
            for (int j = 0; j < r->M; j++) {
                size_t base = (size_t)j * 2;
                long n = r->fcount[base];
                if (!n)
                    continue;
                for (int s = 0; s <= S; s++)
                    ys[(size_t)ns * (size_t)(S + 1) + (size_t)s] =
                        r->fcurve[(base * 4 + (size_t)k) * (size_t)(S + 1) + (size_t)s] / (double)n;
                y[ns] = ys + (size_t)ns * (size_t)(S + 1);
                nm[ns++] = mrl_explain_method_name(r->o->x.methods[j]);
            }
            if (ns && r->o->faith_random) { /* the random baseline of the first method */
                long n = r->fcount[0];
                for (int s = 0; s <= S; s++)
                    ys[(size_t)ns * (size_t)(S + 1) + (size_t)s] =
                        r->fcurve[((size_t)2 + (size_t)k) * (size_t)(S + 1) + (size_t)s] / (double)n;
                y[ns] = ys + (size_t)ns * (size_t)(S + 1);
                nm[ns++] = "random order";
            }
            cli_svg_lines(svg.fp,
                          k ? "Insertion: nucleotides restored, most attributed first"
                            : "Deletion: nucleotides removed, most attributed first",
                          "fraction of the drawn nucleotides", "mean P(target class)", x, S + 1, ns,
                          nm, y, -1);
            rc = commit(&svg);
        }
        mrl_atomic_abort(&svg);
        free(x), free((void *)y), free((void *)nm), free(ys);
    }
    return rc;
}

/* ---- the report ---------------------------------------------------------------------- */

static void report_metrics(srun_t *r, FILE *fp)
{
    float *sc = malloc(r->n * sizeof(float));
    int8_t *lab = malloc(r->n);
    size_t m = 0;
    for (size_t k = 0; sc && lab && k < r->n; k++)
        if (isfinite(r->prob[k]) && r->it[k].label >= 0)
            sc[m] = r->prob[k], lab[m++] = (int8_t)r->it[k].label;
    mrl_metrics_t mt;
    if (m && mrl_metrics_compute(sc, lab, m, r->o->threshold, &mt) == 0)
        fprintf(fp,
                "<table><tr><th>n</th><th>TP</th><th>TN</th><th>FP</th><th>FN</th>"
                "<th>accuracy</th><th>sensitivity</th><th>specificity</th><th>MCC</th>"
                "<th>AUROC</th></tr>\n<tr><td>%zu</td><td>%ld</td><td>%ld</td><td>%ld</td>"
                "<td>%ld</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td>"
                "</tr></table>\n<p>AUROC here ranks probabilities (ties count half); "
                "<code>mirlens eval</code> ranks logit margins.</p>\n",
                m, mt.tp, mt.tn, mt.fp, mt.fn, mt.accuracy, mt.sensitivity, mt.specificity,
                mt.mcc, mt.auroc);
    free(sc), free(lab);
}

static void report_methods(srun_t *r, FILE *fp)
{
    int order[MRL_EXPLAIN_NMETHODS], M = r->M;
    double key[MRL_EXPLAIN_NMETHODS];
    size_t cols = (size_t)r->L + 2;
    for (int j = 0; j < M; j++) {
        long n = r->fcount ? r->fcount[(size_t)j * 2] : 0;
        key[j] = n ? (r->fauc[(size_t)j * 8 + 1] - r->fauc[(size_t)j * 8 + 0]) / (double)n
                   : -(double)INFINITY;
        order[j] = j;
    }
    for (int a = 1; a < M; a++) /* insertion sort by faithfulness, best first */
        for (int b = a; b > 0 && key[order[b]] > key[order[b - 1]]; b--) {
            int t = order[b];
            order[b] = order[b - 1], order[b - 1] = t;
        }
    fputs("<table><tr><th class=\"l\">method</th><th>deletion AUC &darr;</th><th>random</th>"
          "<th>insertion AUC &uarr;</th><th>random</th><th>insertion &minus; deletion</th>"
          "<th>faithful</th><th>mean |&rho;| over the cascade</th><th>&rho;, all layers random"
          "</th><th>&rho; |map|, all layers random</th><th>&rho;, shuffled labels</th>"
          "<th>sanity</th></tr>\n",
          fp);
    for (int i = 0; i < M; i++) {
        int j = order[i];
        long n = r->fcount ? r->fcount[(size_t)j * 2] : 0;
        fprintf(fp, "<tr><td class=\"l\">%s</td>", mrl_explain_method_name(r->o->x.methods[j]));
        if (n) {
            const double *A = r->fauc + (size_t)j * 8;
            double d = A[0] / (double)n, in = A[1] / (double)n, rd = A[2] / (double)n,
                   ri = A[3] / (double)n;
            int ok = d < rd && in > ri;
            fprintf(fp,
                    "<td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td>"
                    "<td class=\"%s\">%s</td>",
                    d, rd, in, ri, in - d, ok ? "ok" : "bad", ok ? "yes" : "no");
        } else {
            fputs("<td colspan=\"6\">not run</td>", fp);
        }
        int sp = sanity_pass(r, j);
        if (sp >= 0) {
            fprintf(fp, "<td>%.3f</td><td>%.3f</td><td>%.3f</td>", cascade_mean(r, j),
                    r->rho_s[(size_t)j * cols + (size_t)r->L],
                    r->rho_a[(size_t)j * cols + (size_t)r->L]);
            if (r->have_shuffled)
                fprintf(fp, "<td>%.3f</td>", r->rho_s[(size_t)j * cols + (size_t)r->L + 1]);
            else
                fputs("<td>not run</td>", fp);
            fprintf(fp, "<td class=\"%s\">%s</td></tr>\n", sp ? "ok" : "bad",
                    sp ? "passed" : "failed");
        } else {
            fputs("<td colspan=\"5\">not run</td></tr>\n", fp);
        }
    }
    fputs("</table>\n", fp);
}

/* The most enriched 3-mers among the top windows of true positives, and UGU / GUG. */
static void report_motifs(const mrl_agg_t *a, FILE *fp)
{
    static const char *const scope_name[2] = {"anywhere", "within 10 nt of the apical loop"};
    int g = MRL_OUT_TP;
    for (int scope = 0; scope < 2; scope++) {
        int idx[MRL_AGG_NKMER], m = 0;
        double z[MRL_AGG_NKMER], en[MRL_AGG_NKMER];
        for (int k = 0; k < MRL_AGG_NKMER; k++) {
            mrl_agg_kmer_stats(a, g, scope, k, &en[k], &z[k]);
            if (isfinite(z[k]))
                idx[m++] = k;
        }
        for (int x = 1; x < m; x++)
            for (int y = x; y > 0 && z[idx[y]] > z[idx[y - 1]]; y--) {
                int t = idx[y];
                idx[y] = idx[y - 1], idx[y - 1] = t;
            }
        fprintf(fp, "<p>3-mers in the top 10%% windows of true positives, %s:</p>\n"
                    "<table><tr><th class=\"l\">3-mer</th><th>occurrences</th><th>in top</th>"
                    "<th>expected</th><th>enrichment</th><th>z</th></tr>\n",
                scope_name[scope]);
        static const int special[2] = {(3 << 4) | (2 << 2) | 3, (2 << 4) | (3 << 2) | 2};
        for (int i = 0; i < m + 2; i++) {
            int k = i < m ? idx[i] : special[i - m];
            if (i >= 6 && i < m && k != special[0] && k != special[1])
                continue; /* the top six, then UGU and GUG wherever they rank */
            if (i >= m && (k == idx[0] || (m > 1 && k == idx[1]) || (m > 2 && k == idx[2]) ||
                           (m > 3 && k == idx[3]) || (m > 4 && k == idx[4]) ||
                           (m > 5 && k == idx[5])))
                continue;
            char km[4];
            if (i >= m && a->kmer_occ[g][scope][k] == 0)
                continue;
            fprintf(fp,
                    "<tr><td class=\"l\">%s</td><td>%.0f</td><td>%.0f</td><td>%.1f</td>"
                    "<td>%.2f</td><td>%.2f</td></tr>\n",
                    mrl_agg_kmer_str(k, km), a->kmer_occ[g][scope][k], a->kmer_top[g][scope][k],
                    a->kmer_exp[g][scope][k], en[k], z[k]);
        }
        fputs("</table>\n", fp);
    }
}

static int write_report(srun_t *r, double seconds)
{
    const sopts_t *o = r->o;
    mrl_atomic_t h = {0};
    int rc = open_in(&h, o->out, "index.html");
    if (rc)
        return rc;
    FILE *fp = h.fp;
    fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<title>mirlens explain: set report</title>\n%s</head>\n<body>\n"
                "<h1>mirlens explain: what the network attends to across a set</h1>\n<p>",
            page_css);
    if (o->sanity_in) {
        fputs("Input <code>", fp);
        cli_html_escape(fp, o->sanity_in);
        fputs("</code>", fp);
    }
    for (int k = 0; k < o->in.npos; k++)
        fputs(k ? ", " : "Positives <code>", fp), cli_html_escape(fp, o->in.pos[k]);
    if (o->in.npos)
        fputs("</code>", fp);
    for (int k = 0; k < o->in.nneg; k++)
        fputs(k ? ", " : "; negatives <code>", fp), cli_html_escape(fp, o->in.neg[k]);
    if (o->in.nneg)
        fputs("</code>", fp);
    for (int k = 0; k < o->in.nimg; k++)
        fputs(k ? ", " : "Images <code>", fp), cli_html_escape(fp, o->in.images[k]);
    if (o->in.nimg)
        fputs("</code>", fp);
    fputs("; model <code>", fp);
    cli_html_escape(fp, o->x.model);
    fprintf(fp, "</code>; target class %d; seed %llu; %zu hairpins (%ld without a hairpin loop "
                "skipped); %.0f s on %d threads.</p>\n",
            o->x.ex.target, (unsigned long long)o->x.ex.seed, r->n, r->n_refused, seconds,
            o->x.threads);
    if (o->aggregate) {
        fputs("<h2>Classification</h2>\n", fp);
        report_metrics(r, fp);
    }
    fputs("<h2>Methods by faithfulness and sanity</h2>\n", fp);
    fprintf(fp,
            "<p>Faithfulness (%ld hairpins, evenly spaced over the set): nucleotides are "
            "removed (deletion) or restored (insertion) in the order of their attribution "
            "(signed for contribution maps, by magnitude for sensitivity maps: gradient, "
            "guided, deconvnet, smoothgrad, smoothgrad-guided, guided-gradcam), "
            "%s, and the probability of the target class is followed; areas over the fraction "
            "of drawn nucleotides, compared with %d random orders. Sanity (%ld hairpins): "
            "Spearman correlation of the maps with the original ones as the layers' weights are "
            "re-drawn one by one from the output down, and of the maps of a model trained on "
            "shuffled labels; a method passes when the mean |&rho;| over the cascade (and "
            "|&rho;| for the shuffled-label model) is below %.1f.</p>\n",
            r->n_faith, o->mask == MRL_MASK_N ? "redrawn as N" : "their bars erased to white",
            o->faith_random, r->sanity_images, SANITY_PASS);
    report_methods(r, fp);
    if (r->n_faith)
        fputs("<p><img src=\"deletion.svg\" alt=\"deletion curves\"> <img src=\"insertion.svg\" "
              "alt=\"insertion curves\"></p>\n",
              fp);
    if (r->rho_a)
        fputs("<p><img src=\"sanity.svg\" alt=\"sanity curves\"></p>\n", fp);
    for (int j = 0; o->aggregate && j < r->M; j++) {
        const char *meth = mrl_explain_method_name(o->x.methods[j]);
        const mrl_agg_t *a = &r->agg[j];
        long nseq = 0, ndup = 0;
        for (int g = 0; g < MRL_NOUTCOMES; g++)
            nseq += a->n_seq[g], ndup += a->n_duplex[g];
        fprintf(fp, "<section id=\"%s\">\n<h2>%s</h2>\n"
                    "<p><img src=\"aggregate/maps.%s.svg\" alt=\"%s mean maps\"></p>\n",
                meth, meth, meth, meth);
        if (nseq)
            fprintf(fp, "<p><img src=\"aggregate/profile.%s.svg\" alt=\"%s profile\"> "
                        "<img src=\"aggregate/categories.%s.svg\" alt=\"%s categories\"></p>\n",
                    meth, meth, meth, meth);
        if (ndup)
            fprintf(fp, "<p><img src=\"aggregate/cutsites.%s.svg\" alt=\"%s cut sites\"></p>\n",
                    meth, meth);
        if (nseq)
            report_motifs(a, fp);
        fputs("</section>\n", fp);
    }
    if (o->aggregate && o->examples) {
        fputs("<h2>Examples</h2>\n", fp);
        for (int g = 0; g < MRL_NOUTCOMES; g++) {
            fprintf(fp, "<p>%s:", mrl_outcome_name(g));
            for (int k = 0; k < r->ex_count[g]; k++) {
                fprintf(fp, " <a href=\"seq/%s.html\">", r->ex_name[g][k]);
                cli_html_escape(fp, r->ex_name[g][k]);
                fprintf(fp, "</a> (%.3f)", (double)r->ex_prob[g][k]);
            }
            fputs(r->ex_count[g] ? "</p>\n" : " none</p>\n", fp);
        }
    }
    fputs("<h2>Tables</h2>\n<ul>\n", fp);
    if (o->aggregate) {
        static const char *const files[] = {
            "predictions.tsv",          "aggregate/columns.tsv",   "aggregate/profile.tsv",
            "aggregate/categories.tsv", "aggregate/cutsites.tsv", "aggregate/motifs.tsv"};
        for (size_t k = 0; k < sizeof files / sizeof files[0]; k++)
            fprintf(fp, "<li><a href=\"%s\">%s</a></li>\n", files[k], files[k]);
        for (int j = 0; j < r->M; j++)
            fprintf(fp, "<li><a href=\"aggregate/maps.%s.npy\">aggregate/maps.%s.npy</a> "
                        "(groups TP TN FP FN x signed/absolute x 25 x 100)</li>\n",
                    mrl_explain_method_name(o->x.methods[j]),
                    mrl_explain_method_name(o->x.methods[j]));
    }
    if (r->n_faith)
        fputs("<li><a href=\"faithfulness.tsv\">faithfulness.tsv</a></li>\n"
              "<li><a href=\"faithfulness_curves.tsv\">faithfulness_curves.tsv</a></li>\n"
              "<li><a href=\"faithfulness_seq.tsv\">faithfulness_seq.tsv</a></li>\n",
              fp);
    if (r->rho_a)
        fputs("<li><a href=\"sanity.tsv\">sanity.tsv</a></li>\n", fp);
    fprintf(fp, "</ul>\n%s</body>\n</html>\n", page_check);
    rc = commit(&h);
    mrl_atomic_abort(&h);
    return rc;
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
    if ((rc = mrl_model_load(&r->m, o->x.model)) < 0 || (rc = mrl_nn_new(&r->nn, r->m, &no)) < 0)
        return cli_lib_error("explain", rc);
    if ((rc = cli_xopts_background((cli_xopts_t *)&o->x, r->m)))
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
    size_t S1 = (size_t)o->faith_steps + 1;
    r->fcurve = calloc((size_t)r->M * 2 * 4 * S1, sizeof(double));
    r->fauc = calloc((size_t)r->M * 2 * 4, sizeof(double));
    r->fcount = calloc((size_t)r->M * 2, sizeof(long));
    r->prob = malloc(r->n * sizeof(float));
    r->ns_cap = o->sanity_n ? ((size_t)o->sanity_n < r->n ? (size_t)o->sanity_n : r->n) : 0;
    if (r->ns_cap) {
        r->sx = malloc(r->ns_cap * PX * sizeof(float));
        r->smaps = malloc((size_t)r->M * r->ns_cap * PX * sizeof(float));
        r->sid = calloc(r->ns_cap, sizeof(char *));
    }
    if ((o->aggregate && !r->agg) || !r->fcurve || !r->fauc || !r->fcount || !r->prob ||
        (r->ns_cap && (!r->sx || !r->smaps || !r->sid)) || !(r->names = cli_names_new()))
        return cli_error("explain", "out of memory");
    for (size_t k = 0; k < r->n; k++)
        r->prob[k] = NAN;
    if (o->aggregate) {
        if ((rc = open_in(&r->pred, o->out, "predictions.tsv")))
            return rc;
        fputs("id\tlabel\tprob\tgroup\n", r->pred.fp);
        if ((rc = open_in(&r->fseq, o->out, "faithfulness_seq.tsv")))
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
    free(r->sid), free(r->sx), free(r->smaps);
    free(r->agg), free(r->fcurve), free(r->fauc), free(r->fcount), free(r->prob);
    free(r->rho_s), free(r->rho_a);
    mrl_imageset_free(r->set);
    mrl_mature_free(r->mat);
    cli_names_free(r->names);
    mrl_nn_free(r->nn);
    mrl_model_free(r->m);
}

static int finish(srun_t *r)
{
    const sopts_t *o = r->o;
    int rc = 0;
    if (o->aggregate) {
        rc = write_tables(r);
        for (int j = 0; !rc && j < r->M; j++) {
            const mrl_agg_t *a = &r->agg[j];
            long nseq = 0, ndup = 0;
            for (int g = 0; g < MRL_NOUTCOMES; g++)
                nseq += a->n_seq[g], ndup += a->n_duplex[g];
            rc = write_maps(r, j);
            if (!rc && nseq)
                rc = write_figure(r, j, "profile", fig_profile);
            if (!rc && nseq)
                rc = write_figure(r, j, "categories", fig_categories);
            if (!rc && ndup)
                rc = write_figure(r, j, "cutsites", fig_cutsites);
        }
        if (!rc && r->n_faith)
            rc = write_faith(r);
    }
    if (!rc && r->ns)
        rc = run_sanity(r);
    if (!rc && r->ns)
        rc = write_sanity(r);
    return rc;
}

int cmd_explain_set(int argc, char **argv)
{
    sopts_t o;
    memset(&o, 0, sizeof o);
    cli_xopts_default(&o.x);
    o.threshold = 0.5f, o.faith_n = 100, o.faith_steps = 20, o.faith_random = 4;
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
    if (!(rc = setup(r)) && !(rc = run_pass(r)) && !(rc = finish(r)))
        rc = write_report(r, cli_now() - t0);
    if (!rc && o.aggregate && !(rc = commit(&r->pred)))
        rc = commit(&r->fseq);
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
