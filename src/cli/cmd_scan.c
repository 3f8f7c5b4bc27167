/*
 * cmd_scan.c - `mirlens scan`: a genome FASTA in, candidate pre-miRNA loci out (BED,
 * GFF3 and every candidate's scores), whole chromosomes, both strands, in shards if asked;
 * `mirlens scan --merge` joins shards. The work is mrl_scan_genome / mrl_scan_merge.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "cli.h"

#define CMD "scan"
#define MAX_MODELS 16
_Static_assert(MRL_SCAN_DEFAULT_MODELS <= MAX_MODELS, "the default models fit the list");

static void usage(FILE *fp)
{
    mrl_scan_opts_t d;
    mrl_scan_opts_default(&d);
    fprintf(fp,
            "Usage: mirlens scan [options] GENOME.fa[.gz] [-o PREFIX]\n"
            "       mirlens scan --merge PREFIX1 PREFIX2 ... -o PREFIX\n\n"
            "Finds candidate stem-loops in both strands of every record (plain, gzip or bgzip\n"
            "FASTA, streamed: whole chromosomes), folds each exactly as `mirlens fold`, draws\n"
            "and scores it, and writes (each file complete or not at all):\n"
            "  PREFIX.candidates.tsv  every candidate with score >= --min-score: chrom, start,\n"
            "                         end (0-based, end exclusive), strand, sequence (5'->3' on\n"
            "                         its strand), structure, mfe, score (probability of\n"
            "                         pre-miRNA), margin (logit margin, ranks saturated\n"
            "                         scores), stem (the candidate generator's stem score)\n"
            "  PREFIX.bed             BED6 loci: overlapping candidates >= --threshold merged\n"
            "                         per strand; score = 1000 x the best probability\n"
            "  PREFIX.gff3            the loci as miRNA_primary_transcript features\n\n"
            "Options:\n"
            "  -o, --output PREFIX  output prefix (default: GENOME's file name without\n"
            "                       .gz/.fa/.fasta/.fna, in the current directory)\n"
            "  -m, --model MODEL    model file; repeated: an ensemble scored by the mean\n"
            "                       logit margin (default: the shipped genome models,\n"
            "                       models/genome.mrlm and genome_scratch.mrlm, trained on\n"
            "                       genomic candidates, as an ensemble)\n"
            "  --strand S           +, - or both (default both)\n"
            "  --region R           NAME or NAME:START-END (1-based, inclusive) only\n"
            "  --shard K/N          scan part K of N (the genome cut by position; join the N\n"
            "                       parts with --merge: identical to one run)\n"
            "  --skip-masked        lowercase (soft-masked) letters count as N (default: read\n"
            "                       as sequence)\n"
            "  --threshold P        loci: candidates with score >= P (default %g)\n"
            "  --min-score P        candidates listed: score >= P (default %g)\n"
            "  --flank N            nt taken on each side of a stem (default %d)\n"
            "  --max-span N         longest stem, nt (default %d)\n"
            "  --min-stem N         stem score threshold (default %d; GC 3, AU 2, GU 1,\n"
            "                       mismatch -3, bulge -4)\n"
            "  --max-repeat F       drop candidates (before folding) with more than F of\n"
            "                       their 16-nt windows repeated in the input: a 16-mer seen\n"
            "                       >= 3 times over all records and both strands (the\n"
            "                       genome's own repeats, no repeat library; default %g;\n"
            "                       1 keeps all)\n"
            "  --params NAME|FILE   energy parameters (default rnafold-2.1.3)\n"
            "  -z, --gzip           write PREFIX.candidates.tsv.gz\n"
            "  --no-score           candidates only: no folding, no network (structure, mfe,\n"
            "                       score, margin '.'; no loci), e.g. for training sets\n"
            "  --merge              join the PREFIXes of a sharded scan (operands)\n"
            "  --block N            positions per block of work (default %d; the output does\n"
            "                       not depend on it)\n"
            "  -j, --threads N      worker threads (default %d)\n"
            "  --precision P        f32 (default, exact) or bf16: the network in bfloat16 on\n"
            "                       CPUs with bf16 units (scores within ~1e-3)\n"
            "  -q, --quiet          no progress on stderr\n"
            "  -h, --help           this help\n",
            (double)d.threshold, (double)d.min_score, d.flank, d.max_span, d.min_stem,
            (double)d.max_repeat, d.block,
            CLI_THREADS);
}

typedef struct {
    mrl_scan_opts_t s;
    const char *out, *model[MAX_MODELS];
    int nmodels, merge, quiet, threads, precision;
    mrl_params_t *loaded;
} opts_t;

static int parse_prob(const char *opt, const char *s, float *out)
{
    return cli_parse_float(CMD, opt, s, 0, 1, out);
}

static int parse_args(int argc, char **argv, opts_t *o)
{
    enum { O_STRAND = 256, O_REGION, O_SHARD, O_MASK, O_THR, O_MIN, O_FLANK, O_SPAN, O_STEM,
           O_PARAMS, O_MERGE, O_BLOCK, O_NOSCORE, O_PREC, O_REPEAT };
    static const struct option lo[] = {
        {"output", required_argument, 0, 'o'},    {"model", required_argument, 0, 'm'},
        {"strand", required_argument, 0, O_STRAND}, {"region", required_argument, 0, O_REGION},
        {"shard", required_argument, 0, O_SHARD}, {"skip-masked", no_argument, 0, O_MASK},
        {"threshold", required_argument, 0, O_THR}, {"min-score", required_argument, 0, O_MIN},
        {"flank", required_argument, 0, O_FLANK}, {"max-span", required_argument, 0, O_SPAN},
        {"min-stem", required_argument, 0, O_STEM}, {"params", required_argument, 0, O_PARAMS},
        {"gzip", no_argument, 0, 'z'},            {"merge", no_argument, 0, O_MERGE},
        {"threads", required_argument, 0, 'j'},   {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},            {"block", required_argument, 0, O_BLOCK}, {"no-score", no_argument, 0, O_NOSCORE},
        {"precision", required_argument, 0, O_PREC},
        {"max-repeat", required_argument, 0, O_REPEAT},
        {0, 0, 0, 0},
    };
    int c, rc;
    long v;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:m:zj:qh", lo, NULL)) != -1) {
        switch (c) {
        case 'o': o->out = optarg; break;
        case 'm':
            if (o->nmodels == MAX_MODELS)
                return cli_usage_error(CMD, "at most %d models (-m)", MAX_MODELS);
            o->model[o->nmodels++] = optarg;
            break;
        case O_STRAND:
            if (!strcmp(optarg, "+"))
                o->s.strand = 1;
            else if (!strcmp(optarg, "-"))
                o->s.strand = -1;
            else if (!strcmp(optarg, "both"))
                o->s.strand = 0;
            else
                return cli_usage_error(CMD, "--strand wants +, - or both (got '%s')", optarg);
            break;
        case O_REGION: o->s.region = optarg; break;
        case O_SHARD: {
            int k, n, used = 0;
            if (sscanf(optarg, "%d/%d%n", &k, &n, &used) != 2 || optarg[used] || n < 1 || k < 1
                || k > n || n > 100000)
                return cli_usage_error(CMD, "--shard wants K/N with 1 <= K <= N (got '%s')",
                                       optarg);
            o->s.shard = k, o->s.nshards = n;
            break;
        }
        case O_MASK: o->s.skip_masked = 1; break;
        case O_REPEAT:
            if (cli_parse_float(CMD, "--max-repeat", optarg, 0, 1, &o->s.max_repeat))
                return CLI_USAGE;
            break;
        case O_THR:
            if (parse_prob("--threshold", optarg, &o->s.threshold))
                return CLI_USAGE;
            break;
        case O_MIN:
            if (parse_prob("--min-score", optarg, &o->s.min_score))
                return CLI_USAGE;
            break;
        case O_FLANK:
            if (cli_parse_long(CMD, "--flank", optarg, 0, 1000, &v))
                return CLI_USAGE;
            o->s.flank = (int)v;
            break;
        case O_SPAN:
            if (cli_parse_long(CMD, "--max-span", optarg, 20, 1000, &v))
                return CLI_USAGE;
            o->s.max_span = (int)v;
            break;
        case O_STEM:
            if (cli_parse_long(CMD, "--min-stem", optarg, 1, 100000, &v))
                return CLI_USAGE;
            o->s.min_stem = (int)v;
            break;
        case O_PARAMS:
            mrl_params_free(o->loaded);
            o->loaded = NULL;
            if ((rc = mrl_params_resolve(optarg, &o->s.fe.params, &o->loaded)) < 0)
                return cli_lib_error(CMD, rc);
            break;
        case 'z': o->s.gzip = 1; break;
        case O_NOSCORE: o->s.no_score = 1; break;
        case O_PREC:
            if (cli_parse_precision(CMD, optarg, &o->precision))
                return CLI_USAGE;
            break;
        case O_BLOCK:
            if (cli_parse_long(CMD, "--block", optarg, 1, 1L << 30, &v))
                return CLI_USAGE;
            o->s.block = (int)v;
            break;
        case O_MERGE: o->merge = 1; break;
        case 'j':
            if (cli_parse_long(CMD, "--threads", optarg, 1, 64, &v))
                return CLI_USAGE;
            o->threads = (int)v;
            break;
        case 'q': o->quiet = 1; break;
        case 'h': usage(stdout); return -1;
        default: return cli_bad_option(CMD, c, argv);
        }
    }
    if (!o->out && o->merge)
        return cli_usage_error(CMD, "no output prefix (-o PREFIX)");
    if (optind >= argc)
        return cli_usage_error(CMD, o->merge ? "no PREFIXes to merge" : "no genome FASTA");
    if (!o->merge && argc - optind > 1)
        return cli_usage_error(CMD, "one genome FASTA at a time (got %d files)", argc - optind);
    if (!o->merge && !(o->s.min_score <= o->s.threshold))
        return cli_usage_error(CMD, "--min-score (%g) above --threshold (%g): the loci are made "
                               "from the listed candidates", (double)o->s.min_score,
                               (double)o->s.threshold);
    return 0;
}

static void on_progress(void *ud, const mrl_scan_progress_t *p)
{
    cli_progress_t *pr = ud;
    if (!pr->enabled)
        return;
    double t = cli_now();
    if (t - pr->last < 0.5 && p->done < p->total)
        return;
    pr->last = t;
    if (p->counting) {
        fprintf(stderr, "\rcounting repeats: %.1f of %.1f Mb read   ", (double)p->done / 1e6,
                (double)p->total / 1e6);
        return;
    }
    double frac = p->total ? (double)p->done / (double)p->total : 0;
    double rate = (double)p->done / (p->seconds > 1e-9 ? p->seconds : 1e-9);
    fprintf(stderr, "\r%.1f of %.1f Mb, %ld candidates, %ld hits, %.0f bases/s, ~%.0f s left   ",
            (double)p->done / 1e6, (double)p->total / 1e6, p->candidates, p->hits, rate,
            frac > 0 ? p->seconds * (1 - frac) / frac : 0);
}

/* The default prefix: the genome file's name without directory and .gz/.fa/.fasta/.fna,
 * in the current directory. */
static void default_prefix(const char *genome, char *buf, size_t cap)
{
    const char *b = strrchr(genome, '/');
    snprintf(buf, cap, "%s", b ? b + 1 : genome);
    static const char *ext[] = {".gz", ".bgz", ".fa", ".fasta", ".fna", ".fas"};
    for (size_t k = 0; k < sizeof ext / sizeof ext[0]; k++) {
        size_t n = strlen(buf), e = strlen(ext[k]);
        if (n > e && strcmp(buf + n - e, ext[k]) == 0)
            buf[n - e] = '\0';
    }
}

static int run_scan(opts_t *o, const char *genome)
{
    char prefix[4096];
    if (!o->out) {
        default_prefix(genome, prefix, sizeof prefix);
        o->out = prefix;
    }
    mrl_ensemble_t *ens = NULL;
    int rc = 0;
    if (o->s.no_score)
        o->nmodels = 0; /* no network: none loaded */
    else if (!o->nmodels)
        o->nmodels = cli_default_genome_models(o->model);
    mrl_nn_opts_t no;
    mrl_nn_opts_default(&no);
    no.threads = o->threads;
    no.precision = o->precision;
    if (o->nmodels && (rc = mrl_ensemble_load(&ens, o->model, o->nmodels, &no)) < 0)
        rc = cli_lib_error(CMD, rc);
    char tag[4096];
    if (!rc && (rc = mrl_scan_models_tag(o->model, o->nmodels, tag, sizeof tag)) < 0)
        rc = cli_lib_error(CMD, rc);
    if (!rc && ens)
        cli_precision_note(CMD, o->precision, mrl_ensemble_nn(ens, 0), o->quiet);
    if (!rc) {
        cli_progress_t pr;
        cli_progress_init(&pr, "bases", o->quiet);
        o->s.models = tag;
        o->s.fe.threads = o->threads;
        o->s.on_progress = on_progress;
        o->s.ud = &pr;
        mrl_scan_stats_t st;
        if ((rc = mrl_scan_genome(ens, genome, o->out, &o->s, &st)) < 0)
            rc = cli_error(CMD, "%s", mrl_errmsg());
        if (pr.enabled)
            fprintf(stderr, "\n");
        if (!rc && !o->quiet)
            fprintf(stderr,
                    "mirlens scan: %.2f Mb scanned (A/C/G/T, per strand) in %.1f s (%.0f bases/s):"
                    " %ld candidates (%.0f per Mb per strand), %ld repeats dropped, %ld listed, %ld loci;"
                    " time: read %.1f s, repeats %.1f s, stems %.1f s, fold+draw %.1f s, network"
                    " %.1f s\n",
                    (double)st.bases / 1e6, st.t_total,
                    (double)st.bases / (st.t_total > 0 ? st.t_total : 1), st.stems,
                    st.bases ? (double)st.stems / ((o->s.strand ? 1.0 : 2.0) * (double)st.bases / 1e6) : 0,
                    st.repeats, st.listed, st.loci, st.t_read, st.t_repeats, st.t_stems,
                    st.t_fold, st.t_score);
    }
    mrl_ensemble_free(ens);
    return rc;
}

int cmd_scan(int argc, char **argv)
{
    opts_t o;
    memset(&o, 0, sizeof o);
    mrl_scan_opts_default(&o.s);
    o.threads = CLI_THREADS;
    mrl_nn_opts_t no;
    mrl_nn_opts_default(&no);
    o.precision = no.precision;
    int rc = parse_args(argc, argv, &o);
    if (rc) {
        mrl_params_free(o.loaded);
        return rc < 0 ? CLI_OK : rc;
    }
    if (o.merge) {
        long loci = 0;
        if ((rc = mrl_scan_merge((const char *const *)argv + optind, argc - optind, o.out, &o.s,
                                 &loci)) < 0)
            rc = cli_error(CMD, "%s", mrl_errmsg());
        else if (!o.quiet)
            fprintf(stderr, "mirlens scan: %d parts joined, %ld loci\n", argc - optind, loci);
    } else
        rc = run_scan(&o, argv[optind]);
    mrl_params_free(o.loaded);
    return rc;
}
