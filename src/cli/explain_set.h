/*
 * explain_set.h - internal to `mirlens explain --aggregate / --sanity`: the run state shared
 * by cmd_explain_set.c (options, the pass over the set, the sanity checks) and
 * cli_set_tables.c (tables and figures) and cli_set_report.c (per-sequence pages, sanity
 * output and the report).
 */
#ifndef MRL_EXPLAIN_SET_H
#define MRL_EXPLAIN_SET_H

#include "cli.h"

#define CHUNK 32
#define PLANE (MRL_IMG_H * MRL_IMG_W)
#define PX (3 * PLANE)

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
    char acc[24];   /* first word of the FASTA description when it is an MI accession */
    size_t len;
    int label;  /* 1, 0, or -1 (unlabelled) */
    size_t src; /* image input: index in the set */
} sitem_t;

typedef struct srun {
    sopts_t *o; /* the run fills in o->x.bg (the SHAP background) once the model is loaded */
    mrl_model_t *m;
    mrl_ensemble_t *ens; /* the pipeline's scorer (one model) */
    mrl_nn_t *nn;        /* its context, which the explainers use too */
    mrl_mature_tab_t *mat;
    sitem_t *it;
    size_t n, cap;
    mrl_imageset_t *set; /* image input */
    int M;               /* methods */
    mrl_agg_t *agg;      /* M accumulators */
    long n_refused, n_duplex, n_done;
    long n_faith;
    mrl_faith_sum_t fs; /* faithfulness sums over the set */
    /* sanity subset */
    size_t ns, ns_cap;
    float *sx; /* (ns,3,25,100) inputs */
    char **sid;
    /* outputs */
    mrl_atomic_t pred, fseq;
    cli_names_t *names;
    int ex_count[MRL_NOUTCOMES];
    char *ex_name[MRL_NOUTCOMES][64];
    float ex_prob[MRL_NOUTCOMES][64];
    mrl_sanity_t san; /* the sanity run's result (empty when not run) */
    float *prob; /* per item; NaN when refused */
    long sanity_images;
    double t_agg, t_faith, t_sanity;
} srun_t;

/* cli_set_report.c and cli_set_tables.c */
char *cli_set_path(const char *dir, const char *a, const char *b, const char *c);
int cli_set_open(mrl_atomic_t *af, const char *dir, const char *name);
int cli_set_commit(mrl_atomic_t *af);
/* seq/NAME.html with every method's picture of batch image b (maps (M,nb,3,25,100)); the
 * first --examples hairpins of each outcome group get one. */
int cli_set_example(srun_t *r, const sitem_t *it, const mrl_fe_item_t *fe, const float *maps,
                    size_t b, size_t nb, float prob, int g);
int cli_set_write_sanity(srun_t *r);
int cli_set_write_tables(srun_t *r);
int cli_set_write_figures(srun_t *r);
int cli_set_write_faith(srun_t *r);
int cli_set_write_report(srun_t *r, double seconds);

#endif
