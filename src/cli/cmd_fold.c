/*
 * cmd_fold.c - `mirlens fold`: MFE structures of FASTA records, output identical to
 * `RNAfold --noPS` 2.1.3 (or a TSV table), folded on N threads in input order.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

#define CHUNK_RECS 512
#define CHUNK_NT (1 << 20)

typedef struct {
    char *hdr, *seq; /* owned */
    size_t len;
    int named;
} job_t;

/* A chunk of records, folded by the pipeline's pool (fold only) in input order. */
typedef struct {
    job_t *jobs;
    mrl_fe_item_t *items; /* structure, mfe, rc of each job */
    char **seq;
    size_t *len;
    int njobs;
    mrl_fe_opts_t fe;
} pool_t;

/* Fold the chunk: 0, or the first hard error (the first failed record's, message set). */
static int fold_chunk(pool_t *pl)
{
    for (int k = 0; k < pl->njobs; k++)
        pl->seq[k] = pl->jobs[k].seq, pl->len[k] = pl->jobs[k].len;
    memset(pl->items, 0, (size_t)pl->njobs * sizeof *pl->items);
    return mrl_fold_encode_batch((const char *const *)pl->seq, pl->len, (size_t)pl->njobs,
                                 &pl->fe, pl->items);
}

/* Print the chunk up to its first failed record: 0, -1 (a failed record) or -2 (write
 * error). */
static int print_chunk(pool_t *pl, int tsv)
{
    char eb[16];
    for (int k = 0; k < pl->njobs; k++) {
        job_t *jb = &pl->jobs[k];
        const mrl_fe_item_t *it = &pl->items[k];
        if (it->rc < 0)
            return -1;
        mrl_energy_str(it->mfe, eb);
        if (tsv) {
            printf("%.*s\t%s\t%s\t%s\n", (int)strcspn(jb->hdr, " \t"), jb->hdr, jb->seq,
                   it->structure, eb);
            continue;
        }
        if (jb->named)
            printf(">%s\n", jb->hdr);
        for (size_t i = 0; i < jb->len; i++) {
            char c = jb->seq[i];
            putchar(c == 'T' ? 'U' : c == 't' ? 'u' : c);
        }
        printf("\n%s (%6s)\n", it->structure, eb);
    }
    return ferror(stdout) ? -2 : 0;
}

static void free_chunk(pool_t *pl)
{
    for (int k = 0; k < pl->njobs; k++) {
        free(pl->jobs[k].hdr);
        free(pl->jobs[k].seq);
    }
    mrl_fe_items_release(pl->items, (size_t)pl->njobs);
    pl->njobs = 0;
}

static void usage(FILE *fp)
{
    mrl_fe_opts_t d; /* the library's defaults, so help and behaviour cannot drift */
    mrl_fe_opts_default(&d);
    fprintf(fp,
            "Usage: mirlens fold [options] [FILE|-]...\n\n"
            "Minimum free energy secondary structures, identical to `RNAfold --noPS` 2.1.3\n"
            "(Turner 2004, 37 C, dangles=2, lonely pairs allowed, special hairpins).\n"
            "Input: FASTA (plain or gzip; any line length; CRLF ok) or one sequence per\n"
            "line; standard input when no FILE or '-'. T folds as U, case is ignored, other\n"
            "letters (N, R, Y, ...) never pair.\n\n"
            "Options:\n"
            "  --tsv             table: id, sequence, structure, mfe (kcal/mol)\n"
            "  --params NAME|FILE  energy set: rnafold-2.1.3 (default, what RNAfold 2.1.3\n"
            "                    used), turner2004 (modern ViennaRNA defaults), or a\n"
            "                    ViennaRNA 2.0 .par file\n"
            "  -j, --threads N   fold on N threads (default %d); output stays in input order\n"
            "  --max-length N    refuse sequences longer than N nt (default %zu)\n"
            "  -q, --quiet       no progress on stderr\n"
            "  -h, --help        this help\n"
            "RNAfold habits: --noPS is accepted and changes nothing (no PostScript is ever\n"
            "written); --noLP is refused (it changes the fold; the image needs RNAfold's\n"
            "default, lonely pairs allowed).\n",
            d.threads, d.fasta.max_length);
}

static int fold_file(const char *path, pool_t *pl, const mrl_fasta_opts_t *fo, int tsv,
                     cli_progress_t *prog, long *done)
{
    mrl_fasta_t *fa;
    mrl_seqrec_t rec;
    int rc = mrl_fasta_open(&fa, path, fo), rrc;
    if (rc < 0)
        return cli_lib_error("fold", rc);
    size_t nt = 0;
    char rderr[1024] = "";
    do {
        rrc = mrl_fasta_read(fa, &rec);
        if (rrc < 0)
            snprintf(rderr, sizeof rderr, "%s", mrl_errmsg());
        if (rrc == 1) {
            job_t *jb = &pl->jobs[pl->njobs++];
            memset(jb, 0, sizeof *jb);
            size_t hl = strlen(rec.id) + strlen(rec.desc) + 2;
            jb->hdr = malloc(hl);
            jb->seq = strdup(rec.seq);
            jb->len = rec.len;
            jb->named = rec.named;
            if (!jb->hdr || !jb->seq) {
                rrc = MRL_ERR_NOMEM;
                snprintf(rderr, sizeof rderr, "out of memory");
            } else {
                snprintf(jb->hdr, hl, "%s%s%s", rec.id, *rec.desc ? " " : "", rec.desc);
            }
            nt += rec.len;
        }
        if (pl->njobs > 0 && (rrc != 1 || pl->njobs == CHUNK_RECS || nt >= CHUNK_NT)) {
            char ferr[512] = "";
            int frc = fold_chunk(pl);
            if (frc < 0)
                snprintf(ferr, sizeof ferr, "%s", mrl_errmsg());
            int prc = print_chunk(pl, tsv);
            *done += pl->njobs;
            if (prc == -1 || frc < 0) {
                free_chunk(pl);
                mrl_fasta_close(fa);
                return cli_error("fold", "%s", ferr);
            }
            free_chunk(pl);
            nt = 0;
            if (prc == -2) {
                mrl_fasta_close(fa);
                return cli_error("fold", "write error on standard output");
            }
            uint64_t pos, size;
            mrl_fasta_position(fa, &pos, &size);
            cli_progress_fraction(prog, *done, size ? (double)pos / (double)size : 0);
        }
    } while (rrc == 1);
    mrl_fasta_close(fa);
    if (rrc < 0) {
        fflush(stdout);
        return cli_error("fold", "%s", rderr);
    }
    return CLI_OK;
}

int cmd_fold(int argc, char **argv)
{
    static const struct option lo[] = {
        {"tsv", no_argument, 0, 't'},       {"params", required_argument, 0, 'P'},
        {"threads", required_argument, 0, 'j'}, {"max-length", required_argument, 0, 'L'},
        {"quiet", no_argument, 0, 'q'},     {"help", no_argument, 0, 'h'},
        {"noPS", no_argument, 0, 'S'},      {"noLP", no_argument, 0, 'N'},
        {0, 0, 0, 0},
    };
    int tsv = 0, quiet = 0, c, rc = CLI_OK;
    const char *params = NULL;
    mrl_fe_opts_t fe; /* the library's defaults: folding threads, the reader's max_length */
    mrl_fe_opts_default(&fe);
    mrl_fasta_opts_t fo = fe.fasta;
    long threads = fe.threads, maxlen;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":j:qh", lo, NULL)) != -1) {
        switch (c) {
        case 't': tsv = 1; break;
        case 'P': params = optarg; break;
        case 'j':
            if (cli_parse_long("fold", "--threads", optarg, 1, 64, &threads))
                return CLI_USAGE;
            break;
        case 'L':
            if (cli_parse_long("fold", "--max-length", optarg, 1, 100000, &maxlen))
                return CLI_USAGE;
            fo.max_length = (size_t)maxlen;
            break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return CLI_OK;
        case 'S': break; /* RNAfold --noPS: mirlens never draws PostScript */
        case 'N':
            return cli_usage_error("fold", "--noLP is not supported: it changes the fold, and "
                                           "the hairpin image needs RNAfold's default "
                                           "(lonely pairs allowed)");
        default: return cli_bad_option("fold", c, argv); /* ':' or '?' */
        }
    }
    const mrl_params_t *P;
    mrl_params_t *loaded;
    int prc = mrl_params_resolve(params, &P, &loaded);
    if (prc < 0)
        return cli_lib_error("fold", prc);
    pool_t pl;
    memset(&pl, 0, sizeof pl);
    pl.jobs = calloc(CHUNK_RECS, sizeof *pl.jobs);
    pl.items = calloc(CHUNK_RECS, sizeof *pl.items);
    pl.seq = calloc(CHUNK_RECS, sizeof *pl.seq);
    pl.len = calloc(CHUNK_RECS, sizeof *pl.len);
    mrl_fe_opts_default(&pl.fe);
    pl.fe.threads = (int)threads;
    pl.fe.params = P;
    pl.fe.encode = 0;
    if (!pl.jobs || !pl.items || !pl.seq || !pl.len) {
        free(pl.jobs), free(pl.items), free(pl.seq), free(pl.len);
        mrl_params_free(loaded);
        return cli_error("fold", "out of memory");
    }
    if (tsv)
        printf("id\tsequence\tstructure\tmfe\n");
    cli_progress_t prog;
    cli_progress_init(&prog, "sequences folded", quiet);
    long done = 0;
    if (optind >= argc)
        rc = fold_file("-", &pl, &fo, tsv, &prog, &done);
    for (int k = optind; k < argc && rc == CLI_OK; k++)
        rc = fold_file(argv[k], &pl, &fo, tsv, &prog, &done);
    cli_progress_end(&prog, done);
    free_chunk(&pl);
    free(pl.jobs), free(pl.items), free(pl.seq), free(pl.len);
    mrl_params_free(loaded);
    if (fflush(stdout) != 0 && rc == CLI_OK)
        rc = cli_error("fold", "write error on standard output");
    return rc;
}
