/*
 * cmd_train.c - `mirlens train`: train the CNN on labelled hairpins (FASTA folded and
 * encoded on the fly, or published image sets), with validation, early stopping,
 * per-epoch checkpoints and exact resumption. The options only set mrl_train_opts_t:
 * --val-split, --shuffle-labels (the data randomisation test of Adebayo et al. 2018, Sanity
 * checks for saliency maps) and --class-weight balanced are the library's (src/nn/fit.c).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* Kernel size and first dense layer of the library's default network (mrl_arch_default). */
static void arch_defaults(long *kernel, long *dense)
{
    mrl_arch_t a;
    mrl_arch_default(&a, 0);
    *kernel = *dense = 0;
    for (int k = a.n_layers - 1; k >= 0; k--) {
        if (a.layer[k].kind == MRL_LAYER_CONV)
            *kernel = a.layer[k].k;
        if (a.layer[k].kind == MRL_LAYER_DENSE)
            *dense = a.layer[k].out;
    }
}

static void usage(FILE *fp)
{
    mrl_train_opts_t d; /* the library's defaults, so help and behaviour cannot drift */
    mrl_train_opts_default(&d);
    long kernel, dense;
    arch_defaults(&kernel, &dense);
    fprintf(fp,
            "Usage: mirlens train [options] -o MODEL\n\n"
            "Train the hairpin-image CNN (Cordero et al. 2019) on labelled inputs.\n\n"
            "Inputs (each repeatable):\n"
            "  --pos FILE / --neg FILE        FASTA of pre-miRNAs / of other hairpins\n"
            "  --images BASE [--labels FILE]  image set BASE.u8[.gz] (+ BASE.labels)\n"
            "  --val-pos, --val-neg, --val-images, --val-labels   validation inputs\n"
            "  --val-split F    hold out a stratified fraction F of the training set for\n"
            "                   validation when no validation inputs are given (default %g)\n\n"
            "Network and optimisation:\n"
            "  --init MODEL     start from this model (fine-tuning) instead of a new one\n"
            "  --kernel 3|5     convolution size of a new model (default %ld; the paper's)\n"
            "  --dense N        units of the hidden dense layer (default %ld)\n"
            "  --epochs N       maximum epochs, at least 1 (default %d)\n"
            "  --batch N        mini-batch size (default %d)\n"
            "  --lr X           Adam learning rate (default %g)\n"
            "  --seed N         initialisation, shuffling and dropout seed (default %" PRIu64 ")\n"
            "  --early-stop N   stop after N epochs without a lower validation loss and\n"
            "                   keep the best weights (default %d = off; needs validation\n"
            "                   inputs or --val-split)\n"
            "  --class-weight W weight of each class in the training loss (Keras'\n"
            "                   class_weight): 'balanced' = n / (2 n_class) from the\n"
            "                   training set, or W0,W1 (negative, positive); default %g,%g;\n"
            "                   recorded in train_options; validation loss unweighted\n"
            "  --shuffle-labels permute the training labels (and the validation labels)\n"
            "                   at random (seeded by --seed) before training: a model that\n"
            "                   can only memorise, for the sanity checks of explanations;\n"
            "                   recorded as metadata shuffled_labels=1\n\n"
            "Run:\n"
            "  -o MODEL         output model file (required)\n"
            "  --checkpoint F   checkpoint after every epoch (default MODEL.ckpt, or the\n"
            "                   --resume checkpoint, which a resumed run keeps updating)\n"
            "  --resume F       continue a killed run from its checkpoint: gives the same\n"
            "                   final weights. The inputs (their contents) and every other\n"
            "                   option must be those of the first run (recorded in the\n"
            "                   checkpoint; a difference is refused, named); only --epochs,\n"
            "                   -j/--threads, -q, -o and --checkpoint may change\n"
            "  --params NAME|FILE  folding energies (default rnafold-2.1.3)\n"
            "  --max-length N   refuse sequences longer than N nt (default %d; fold memory\n"
            "                   and time grow as N^2 and N^3: 2,000 nt take 2.4 s, 57 MB)\n"
            "  -j, --threads N  threads for folding and the network (default %d)\n"
            "  --precision P    f32 (default, exact) or bf16: convolutions in bfloat16\n"
            "                   (f32 sums and master weights) on the CPU's AMX /\n"
            "                   AVX512-BF16 units, several times faster; recorded in\n"
            "                   the model's train_options\n"
            "  -q, --quiet      no progress on stderr\n"
            "  -h, --help       this help\n",
            d.val_split, kernel, dense, d.epochs, d.batch, (double)d.adam.lr, d.seed, d.early_stop,
            (double)d.class_weight[0], (double)d.class_weight[1], MRL_MODEL_MAX_LENGTH,
            CLI_THREADS);
}

typedef struct {
    int quiet;
    double t0;
    cli_progress_t prog;
    float cw[2]; /* the class weights trained with (on_start) */
} progress_t;

static void on_start(void *ud, const mrl_train_start_t *s)
{
    progress_t *p = ud;
    p->cw[0] = s->class_weight[0], p->cw[1] = s->class_weight[1];
    if (p->quiet)
        return;
    fprintf(stderr, "mirlens train: %zu training images (%zu positive), %zu validation\n",
            s->n_train, s->n_train_pos, s->n_val);
    if (p->cw[0] != 1.0f || p->cw[1] != 1.0f)
        fprintf(stderr, "mirlens train: class weights %.4g (negative), %.4g (positive)\n",
                (double)p->cw[0], (double)p->cw[1]);
}

static void on_epoch(void *ud, const mrl_epoch_report_t *r)
{
    progress_t *p = ud;
    if (p->quiet)
        return;
    if (p->prog.enabled)
        fprintf(stderr, "\r%*s\r", 60, "");
    double left = (r->epochs - r->epoch) * r->seconds;
    fprintf(stderr, "epoch %3d/%d  loss %.4f  acc %.4f", r->epoch, r->epochs, r->loss,
            r->accuracy);
    if (r->has_val)
        fprintf(stderr, "  val_loss %.4f  val_acc %.4f  val_auroc %.4f%s", r->val_loss,
                r->val_accuracy, r->val_auroc, r->best_epoch == r->epoch ? " *" : "");
    fprintf(stderr, "  %.0f img/s  %.0f s", r->images_per_s, r->seconds);
    if (r->stopped)
        fprintf(stderr, "  (early stop: best epoch %d)\n", r->best_epoch);
    else
        fprintf(stderr, "  (<= %.0f s left)\n", left);
}

static void on_batch(void *ud, long done, long total)
{
    progress_t *p = ud;
    cli_progress_update(&p->prog, done, total);
}

/* "W0,W1": two weights in (0, 1000]; 0 or -1. */
static int parse_class_weight(const char *s, float w[2])
{
    char *end;
    double a = strtod(s, &end);
    if (end == s || *end != ',')
        return -1;
    const char *t = end + 1;
    double b = strtod(t, &end);
    if (end == t || *end || !(a > 0 && a <= 1000) || !(b > 0 && b <= 1000))
        return -1;
    w[0] = (float)a, w[1] = (float)b;
    return 0;
}

/* FNV-1a (64 bit) of a model's parameters: the identity of an --init model. */
static uint64_t params_digest(mrl_model_t *m)
{
    const unsigned char *p = (const unsigned char *)mrl_model_params(m);
    size_t n = mrl_model_nparams(m) * sizeof(float);
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t k = 0; k < n; k++)
        h = (h ^ p[k]) * 0x100000001b3ULL;
    return h;
}

int cmd_train(int argc, char **argv)
{
    enum { O_POS = 256, O_NEG, O_IMG, O_LAB, O_VPOS, O_VNEG, O_VIMG, O_VLAB, O_VSPLIT, O_INIT,
           O_KER, O_DENSE, O_EPOCHS, O_BATCH, O_LR, O_SEED, O_EARLY, O_CKPT, O_RESUME, O_PARAMS,
           O_SHUF, O_PREC, O_CW, O_MAXLEN };
    static const struct option lo[] = {
        {"pos", required_argument, 0, O_POS},        {"neg", required_argument, 0, O_NEG},
        {"images", required_argument, 0, O_IMG},     {"labels", required_argument, 0, O_LAB},
        {"val-pos", required_argument, 0, O_VPOS},   {"val-neg", required_argument, 0, O_VNEG},
        {"val-images", required_argument, 0, O_VIMG}, {"val-labels", required_argument, 0, O_VLAB},
        {"val-split", required_argument, 0, O_VSPLIT}, {"init", required_argument, 0, O_INIT},
        {"kernel", required_argument, 0, O_KER},     {"dense", required_argument, 0, O_DENSE},
        {"epochs", required_argument, 0, O_EPOCHS},  {"batch", required_argument, 0, O_BATCH},
        {"lr", required_argument, 0, O_LR},          {"seed", required_argument, 0, O_SEED},
        {"early-stop", required_argument, 0, O_EARLY}, {"checkpoint", required_argument, 0, O_CKPT},
        {"resume", required_argument, 0, O_RESUME},  {"params", required_argument, 0, O_PARAMS},
        {"shuffle-labels", no_argument, 0, O_SHUF}, {"precision", required_argument, 0, O_PREC},
        {"class-weight", required_argument, 0, O_CW},
        {"max-length", required_argument, 0, O_MAXLEN},
        {"threads", required_argument, 0, 'j'},      {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},               {"output", required_argument, 0, 'o'},
        {0, 0, 0, 0},
    };
    cli_inputs_t tr_in = {0}, va_in = {0};
    mrl_train_opts_t to;
    mrl_train_opts_default(&to);
    const char *out = NULL, *init = NULL, *ckpt = NULL, *resume = NULL, *params = NULL;
    long kernel, dense, v, threads = CLI_THREADS, maxlen = MRL_MODEL_MAX_LENGTH;
    arch_defaults(&kernel, &dense);
    int quiet = 0, c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:j:qh", lo, NULL)) != -1) {
        char *end;
        switch (c) {
        case O_POS: case O_NEG: case O_IMG: case O_LAB:
            if (cli_inputs_add("train", &tr_in, "pnil"[c - O_POS], optarg))
                return CLI_USAGE;
            break;
        case O_VPOS: case O_VNEG: case O_VIMG: case O_VLAB:
            if (cli_inputs_add("train", &va_in, "pnil"[c - O_VPOS], optarg))
                return CLI_USAGE;
            break;
        case O_VSPLIT:
            to.val_split = strtod(optarg, &end);
            if (*end || !(to.val_split >= 0 && to.val_split < 1))
                return cli_usage_error("train", "--val-split needs a fraction in [0, 1)");
            break;
        case O_INIT: init = optarg; break;
        case O_KER:
            if (cli_parse_long("train", "--kernel", optarg, 1, 9, &kernel))
                return CLI_USAGE;
            break;
        case O_DENSE:
            if (cli_parse_long("train", "--dense", optarg, 1, 65536, &dense))
                return CLI_USAGE;
            break;
        case O_EPOCHS:
            if (cli_parse_long("train", "--epochs", optarg, 1, 100000, &v))
                return CLI_USAGE;
            to.epochs = (int)v;
            break;
        case O_BATCH:
            if (cli_parse_long("train", "--batch", optarg, 1, 65536, &v))
                return CLI_USAGE;
            to.batch = (int)v;
            break;
        case O_LR:
            to.adam.lr = strtof(optarg, &end);
            if (*end || !(to.adam.lr > 0 && to.adam.lr < 10))
                return cli_usage_error("train", "invalid learning rate '%s'", optarg);
            break;
        case O_SEED:
            if (cli_parse_long("train", "--seed", optarg, 0, 0x7fffffffL, &v))
                return CLI_USAGE;
            to.seed = (uint64_t)v;
            break;
        case O_EARLY:
            if (cli_parse_long("train", "--early-stop", optarg, 0, 100000, &v))
                return CLI_USAGE;
            to.early_stop = (int)v;
            break;
        case O_CKPT: ckpt = optarg; break;
        case O_RESUME: resume = optarg; break;
        case O_PARAMS: params = optarg; break;
        case O_MAXLEN:
            if (cli_parse_long("train", "--max-length", optarg, 1, 100000, &maxlen))
                return CLI_USAGE;
            break;
        case O_SHUF: to.shuffle_labels = 1; break;
        case O_PREC:
            if (cli_parse_precision("train", optarg, &to.precision))
                return CLI_USAGE;
            break;
        case O_CW:
            to.class_weight_balanced = strcmp(optarg, "balanced") == 0;
            if (!to.class_weight_balanced && parse_class_weight(optarg, to.class_weight))
                return cli_usage_error("train",
                                       "--class-weight needs 'balanced' or W0,W1 (two weights "
                                       "in (0, 1000]), not '%s'", optarg);
            break;
        case 'o': out = optarg; break;
        case 'j':
            if (cli_parse_long("train", "--threads", optarg, 1, 64, &threads))
                return CLI_USAGE;
            break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return CLI_OK;
        default: return cli_bad_option("train", c, argv); /* ':' or '?' */
        }
    }
    if (optind < argc)
        return cli_usage_error("train", "unexpected argument '%s'", argv[optind]);
    if (!out)
        return cli_usage_error("train", "no output model (-o MODEL)");
    if (cli_inputs_empty(&tr_in))
        return cli_usage_error("train", "no training inputs (--pos/--neg or --images)");
    if (kernel != 3 && kernel != 5 && !init && !resume)
        return cli_usage_error("train", "--kernel must be 3 or 5");
    if (cli_inputs_stdin(&tr_in) + cli_inputs_stdin(&va_in) > 1)
        return cli_usage_error("train", "standard input ('-') can be read only once");
    if (to.early_stop > 0 && cli_inputs_empty(&va_in) && to.val_split == 0)
        return cli_usage_error("train", "--early-stop needs validation data (--val-pos/--val-neg, "
                                        "--val-images or --val-split)");

    int rc = CLI_ERR, lrc;
    mrl_params_t *loaded = NULL;
    mrl_imageset_t *tr = NULL, *va = NULL;
    mrl_model_t *m = NULL;
    char *ckbuf = NULL;
    mrl_fe_opts_t fe;
    mrl_fe_opts_default(&fe);
    fe.threads = (int)threads;
    fe.fasta.max_length = (size_t)maxlen;
    if ((lrc = mrl_params_resolve(params, &fe.params, &loaded)) < 0)
        return cli_lib_error("train", lrc);
    if (cli_load_inputs("train", &tr_in, &fe, quiet, &tr))
        goto done;
    if (!cli_inputs_empty(&va_in) && cli_load_inputs("train", &va_in, &fe, quiet, &va))
        goto done;
    if (cli_inputs_check_classes("train", &tr_in, tr, "training"))
        goto done;
    char run[160];
    if (init) {
        /* what a resumed run checks: the initial model's weights, whatever its name */
        if ((lrc = mrl_model_load(&m, init)) < 0) {
            cli_lib_error("train", lrc);
            goto done;
        }
        snprintf(run, sizeof run, "init=%016" PRIx64, params_digest(m));
    } else {
        snprintf(run, sizeof run, "kernel=%ld dense=%ld", kernel, dense);
    }
    if (resume) {
        mrl_model_free(m);
        m = NULL;
        if ((lrc = mrl_model_load(&m, resume)) < 0) {
            cli_lib_error("train", lrc);
            goto done;
        }
    } else if (!init) {
        mrl_arch_t a;
        mrl_arch_default(&a, (int)kernel);
        for (int k = 0; k < a.n_layers; k++)
            if (a.layer[k].kind == MRL_LAYER_DENSE) {
                a.layer[k].out = (int)dense;
                break;
            }
        if ((lrc = mrl_model_new(&m, &a, to.seed)) < 0) {
            cli_lib_error("train", lrc);
            goto done;
        }
    }
    if (!ckpt && resume)
        ckpt = resume; /* a second kill resumes from where the first resume got to */
    if (!ckpt) {
        ckbuf = malloc(strlen(out) + 8);
        if (!ckbuf) {
            cli_error("train", "out of memory");
            goto done;
        }
        sprintf(ckbuf, "%s.ckpt", out);
        ckpt = ckbuf;
    }
    progress_t pr = {quiet, cli_now(), {0}, {1.0f, 1.0f}};
    cli_progress_init(&pr.prog, "images", quiet);
    to.threads = (int)threads;
    to.checkpoint = ckpt;
    to.run_options = run;
    to.on_start = on_start;
    to.on_epoch = on_epoch;
    to.on_batch = on_batch;
    to.ud = &pr;
    char meta[512];
    snprintf(meta, sizeof meta, "%" PRIu64, to.seed);
    if ((lrc = mrl_model_meta_set(m, "train_seed", meta)) < 0 ||
        (lrc = mrl_train(m, tr, va, &to, resume)) < 0) {
        cli_lib_error("train", lrc);
        goto done;
    }
    int n = snprintf(meta, sizeof meta,
                     "epochs=%d batch=%d lr=%g early_stop=%d init=%s precision=%s", to.epochs,
                     to.batch, (double)to.adam.lr, to.early_stop, init ? init : "-",
                     to.precision == MRL_PREC_BF16 ? "bf16" : "f32");
    if ((pr.cw[0] != 1.0f || pr.cw[1] != 1.0f) && n > 0 && (size_t)n < sizeof meta)
        snprintf(meta + n, sizeof meta - (size_t)n, " class_weight=%.6g,%.6g", (double)pr.cw[0],
                 (double)pr.cw[1]);
    /* the lengths trained on (a fine-tuned model: the union with its initial model's);
     * unknown with image-set inputs, and then not recorded */
    long len_lo, len_hi, longest;
    int have = cli_inputs_length_range(&tr_in, &fe.fasta, &len_lo, &len_hi, &longest);
    if (have < 0) {
        cli_lib_error("train", have);
        goto done;
    }
    if ((lrc = mrl_model_meta_set(m, "train_options", meta)) < 0 ||
        (have && (lrc = mrl_model_set_length_range(m, len_lo, len_hi, init || resume)) < 0) ||
        (have && (lrc = mrl_model_set_length_longest(m, longest, init || resume)) < 0) ||
        (lrc = mrl_model_save(m, out)) < 0) {
        cli_lib_error("train", lrc);
        goto done;
    }
    if (!quiet)
        fprintf(stderr, "mirlens train: wrote %s in %.0f s\n", out, cli_now() - pr.t0);
    rc = CLI_OK;
done:
    mrl_model_free(m);
    mrl_imageset_free(tr);
    mrl_imageset_free(va);
    mrl_params_free(loaded);
    free(ckbuf);
    return rc;
}
