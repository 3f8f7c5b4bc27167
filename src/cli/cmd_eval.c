/*
 * cmd_eval.c - `mirlens eval`: accuracy, sensitivity, specificity, precision, F1, MCC,
 * AUROC and AUPRC of a model on labelled inputs; per-sequence scores; ROC/PR curves as
 * SVG.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"

static void usage(FILE *fp)
{
    fprintf(fp,
            "Usage: mirlens eval [options] INPUTS...\n\n"
            "Evaluate a model on labelled inputs, both classes (each option repeatable):\n"
            "  --pos FILE / --neg FILE        FASTA of pre-miRNAs / of other hairpins\n"
            "  --images BASE [--labels FILE]  image set BASE.u8[.gz] (+ BASE.labels)\n\n"
            "Options:\n"
            "  -m, --model MODEL  model file (default: the shipped model); repeated: an\n"
            "                     ensemble scored by the mean of the models' logit margins\n"
            "  --threshold X      score at or above X calls pre-miRNA (default %g)\n"
            "  --tsv              one header line and one row instead of a table\n"
            "  --scores FILE      write id, label, score (P(pre-miRNA)), margin (logit\n"
            "                     difference z1 - z0, what the metrics rank by) per input\n"
            "  --plot DIR         write DIR/roc.svg and DIR/pr.svg\n"
            "  --params NAME|FILE folding energies (default rnafold-2.1.3)\n"
            "  --max-length N     refuse sequences longer than N nt (default %d)\n"
            "  -j, --threads N    threads (default %d)\n"
            "  --precision P      f32 (default, exact) or bf16: convolutions in bfloat16 on\n"
            "                     the CPU's AMX / AVX512-BF16 units, several times faster\n"
            "  -q, --quiet        no progress on stderr\n"
            "  -h, --help         this help\n",
            MRL_DEFAULT_THRESHOLD, MRL_MODEL_MAX_LENGTH, CLI_THREADS);
}

#define MAX_MODELS 16

static int write_scores(const char *path, const mrl_imageset_t *s, const float *score,
                        const float *margin)
{
    mrl_atomic_t af;
    int rc = mrl_atomic_open(&af, path);
    if (rc < 0)
        return rc;
    fprintf(af.fp, "id\tlabel\tscore\tmargin\n");
    for (size_t k = 0; k < s->n; k++)
        fprintf(af.fp, "%s\t%d\t%.6f\t%.4f\n", s->names ? s->names[k] : "", s->labels[k],
                (double)score[k], (double)margin[k]);
    return mrl_atomic_commit(&af);
}

static int write_plots(const char *dir, const mrl_imageset_t *s, const float *score,
                       const mrl_metrics_t *mt)
{
    double *fpr, *tpr, *rec, *prec;
    size_t np;
    if (mkdir(dir, 0755) < 0 && access(dir, W_OK) < 0) {
        cli_error("eval", "cannot create directory '%s'", dir);
        return MRL_ERR_IO;
    }
    int rc = mrl_metrics_curves(score, s->labels, s->n, &fpr, &tpr, &rec, &prec, &np);
    if (rc < 0)
        return rc;
    size_t len = strlen(dir) + 16;
    char *p = malloc(len);
    if (!p)
        rc = MRL_ERR_NOMEM;
    if (rc == 0) {
        snprintf(p, len, "%s/roc.svg", dir);
        rc = mrl_report_curve_svg(p, "ROC", "false positive rate", "true positive rate", fpr,
                                  tpr, np, mt->auroc, 1);
    }
    if (rc == 0) {
        snprintf(p, len, "%s/pr.svg", dir);
        rc = mrl_report_curve_svg(p, "Precision-recall", "recall", "precision", rec + 1,
                                  prec + 1, np - 1, mt->auprc, 0);
    }
    free(p);
    free(fpr);
    free(tpr);
    free(rec);
    free(prec);
    return rc;
}

/* Warn when an input is longer than any sequence a model was trained on. */
static void longest_warning(const cli_inputs_t *in, const mrl_fasta_opts_t *fo,
                            mrl_ensemble_t *ens, int nmodels)
{
    long lo, hi, longest, trained = -1, t;
    for (int j = 0; j < nmodels; j++)
        if (mrl_model_length_longest(mrl_ensemble_model(ens, j), &t))
            trained = trained < 0 || t < trained ? t : trained;
    if (trained > 0 && cli_inputs_length_range(in, fo, &lo, &hi, &longest) == 1 &&
        longest > trained)
        fprintf(stderr,
                "mirlens eval: warning: the longest input sequence (%ld nt) is longer than any "
                "the model was trained on (%ld nt): its score is an extrapolation\n",
                longest, trained);
}

int cmd_eval(int argc, char **argv)
{
    enum { O_POS = 256, O_NEG, O_IMG, O_LAB, O_THR, O_TSV, O_SCORES, O_PLOT, O_PARAMS, O_PREC,
           O_MAXLEN };
    static const struct option lo[] = {
        {"pos", required_argument, 0, O_POS},       {"neg", required_argument, 0, O_NEG},
        {"images", required_argument, 0, O_IMG},    {"labels", required_argument, 0, O_LAB},
        {"threshold", required_argument, 0, O_THR}, {"tsv", no_argument, 0, O_TSV},
        {"scores", required_argument, 0, O_SCORES}, {"plot", required_argument, 0, O_PLOT},
        {"params", required_argument, 0, O_PARAMS}, {"model", required_argument, 0, 'm'},
        {"threads", required_argument, 0, 'j'},     {"quiet", no_argument, 0, 'q'},
        {"precision", required_argument, 0, O_PREC}, {"help", no_argument, 0, 'h'},
        {"max-length", required_argument, 0, O_MAXLEN},
        {0, 0, 0, 0},
    };
    cli_inputs_t in = {0};
    const char *models[MAX_MODELS], *scores = NULL, *plot = NULL, *params = NULL;
    double thr = MRL_DEFAULT_THRESHOLD;
    long threads = CLI_THREADS, maxlen = MRL_MODEL_MAX_LENGTH;
    mrl_nn_opts_t no;
    mrl_nn_opts_default(&no);
    int tsv = 0, quiet = 0, c, prec = no.precision, nmodels = 0;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":m:j:qh", lo, NULL)) != -1) {
        char *end;
        switch (c) {
        case O_POS: case O_NEG: case O_IMG: case O_LAB:
            if (cli_inputs_add("eval", &in, "pnil"[c - O_POS], optarg))
                return CLI_USAGE;
            break;
        case O_THR:
            thr = strtod(optarg, &end);
            if (*end || !(thr >= 0 && thr <= 1))
                return cli_usage_error("eval", "--threshold needs a value in [0, 1]");
            break;
        case O_TSV: tsv = 1; break;
        case O_SCORES: scores = optarg; break;
        case O_PLOT: plot = optarg; break;
        case O_PARAMS: params = optarg; break;
        case O_MAXLEN:
            if (cli_parse_long("eval", "--max-length", optarg, 1, 100000, &maxlen))
                return CLI_USAGE;
            break;
        case O_PREC:
            if (cli_parse_precision("eval", optarg, &prec))
                return CLI_USAGE;
            break;
        case 'm':
            if (nmodels == MAX_MODELS)
                return cli_usage_error("eval", "at most %d models (-m)", MAX_MODELS);
            models[nmodels++] = optarg;
            break;
        case 'j':
            if (cli_parse_long("eval", "--threads", optarg, 1, 64, &threads))
                return CLI_USAGE;
            break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return CLI_OK;
        default: return cli_bad_option("eval", c, argv); /* ':' or '?' */
        }
    }
    if (optind < argc)
        return cli_usage_error("eval", "unexpected argument '%s' (inputs go with --pos, --neg "
                                       "or --images)", argv[optind]);
    if (cli_inputs_empty(&in))
        return cli_usage_error("eval", "no inputs (--pos/--neg or --images)");
    if (cli_inputs_stdin(&in) > 1)
        return cli_usage_error("eval", "standard input ('-') can be read only once");
    int rc = CLI_ERR, lrc;
    mrl_ensemble_t *ens = NULL;
    mrl_imageset_t *set = NULL;
    const uint8_t **rgb = NULL;
    mrl_params_t *loaded = NULL;
    float *score = NULL, *margin = NULL;
    mrl_fe_opts_t fe;
    mrl_fe_opts_default(&fe);
    fe.threads = (int)threads;
    fe.fasta.max_length = (size_t)maxlen;
    if (!nmodels)
        models[nmodels++] = cli_default_model();
    no.threads = (int)threads;
    no.precision = prec;
    if ((lrc = mrl_ensemble_load(&ens, models, nmodels, &no)) < 0) {
        cli_lib_error("eval", lrc);
        goto done;
    }
    if ((lrc = mrl_params_resolve(params, &fe.params, &loaded)) < 0) {
        cli_lib_error("eval", lrc);
        goto done;
    }
    if (cli_load_inputs("eval", &in, &fe, quiet, &set) ||
        cli_inputs_check_classes("eval", &in, set, "evaluation (AUROC, AUPRC, MCC)"))
        goto done;
    if (!quiet)
        longest_warning(&in, &fe.fasta, ens, nmodels);
    cli_precision_note("eval", prec, mrl_ensemble_nn(ens, 0), quiet);
    size_t cap = set->n ? set->n : 1;
    score = malloc(cap * sizeof *score);
    margin = malloc(cap * sizeof *margin);
    rgb = malloc(cap * sizeof *rgb);
    if (!score || !margin || !rgb) {
        cli_error("eval", "out of memory");
        goto done;
    }
    /* An ensemble (-m repeated) scores each image by the mean of its models' logit
     * margins (the geometric mean of their odds); one model is its own margin. */
    for (size_t j = 0; j < set->n; j++)
        rgb[j] = set->rgb + j * MRL_IMG_BYTES;
    if ((lrc = mrl_ensemble_score(ens, rgb, set->n, score, margin)) < 0) {
        cli_lib_error("eval", lrc);
        goto done;
    }
    /* loss: one model as training reports it (mean -log p of the label, p >= 1e-12), an
     * ensemble from its mean margin (mean -log sigmoid of the signed margin) */
    double loss = 0;
    for (size_t j = 0; j < set->n; j++) {
        if (nmodels == 1) {
            float p = set->labels[j] > 0 ? score[j] : 1.0f - score[j];
            loss -= log(p > 1e-12f ? (double)p : 1e-12);
        } else {
            double z = set->labels[j] > 0 ? (double)margin[j] : -(double)margin[j];
            loss += z > 0 ? log1p(exp(-z)) : -z + log1p(exp(z)); /* -log sigmoid(z) */
        }
    }
    loss /= set->n ? (double)set->n : 1.0;
    /* Rank by the logit margin: probabilities saturate at 1.0 in float and tie. With two
     * classes p1 >= t exactly when margin >= logit(t). */
    mrl_metrics_t mt;
    float mthr = thr <= 0 ? -INFINITY : thr >= 1 ? INFINITY : (float)log(thr / (1 - thr));
    if ((lrc = mrl_metrics_compute(margin, set->labels, set->n, mthr, &mt)) < 0) {
        cli_lib_error("eval", lrc);
        goto done;
    }
    if (tsv) {
        printf("accuracy\tsensitivity\tspecificity\tprecision\tf1\tmcc\tauroc\tauprc\tn_pos\tn_neg\n");
        printf("%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%ld\t%ld\n", mt.accuracy,
               mt.sensitivity, mt.specificity, mt.precision, mt.f1, mt.mcc, mt.auroc, mt.auprc,
               mt.n_pos, mt.n_neg);
    } else {
        printf("model        %s", models[0]);
        for (int k = 1; k < nmodels; k++)
            printf(" + %s", models[k]);
        printf(nmodels > 1 ? "  (ensemble: mean logit margin)\n" : "\n");
        printf("images       %zu (%ld positive, %ld negative)\n", set->n, mt.n_pos, mt.n_neg);
        printf("threshold    %.3f\n", thr);
        printf("accuracy     %.4f\nsensitivity  %.4f\nspecificity  %.4f\nprecision    %.4f\n",
               mt.accuracy, mt.sensitivity, mt.specificity, mt.precision);
        printf("f1           %.4f\nmcc          %.4f\nauroc        %.4f\nauprc        %.4f\n",
               mt.f1, mt.mcc, mt.auroc, mt.auprc);
        printf("loss         %.4f\nconfusion    TP %ld  FN %ld  FP %ld  TN %ld\n", loss, mt.tp,
               mt.fn, mt.fp, mt.tn);
    }
    if (scores && (lrc = write_scores(scores, set, score, margin)) < 0) {
        cli_lib_error("eval", lrc);
        goto done;
    }
    if (plot && (lrc = write_plots(plot, set, margin, &mt)) < 0) {
        if (lrc != MRL_ERR_IO || access(plot, W_OK) == 0)
            cli_lib_error("eval", lrc);
        goto done;
    }
    rc = fflush(stdout) == 0 ? CLI_OK : cli_error("eval", "write error on standard output");
done:
    free(score);
    free(margin);
    free(rgb);
    mrl_ensemble_free(ens);
    mrl_imageset_free(set);
    mrl_params_free(loaded);
    return rc;
}
