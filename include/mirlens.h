/*
 * mirlens.h - the one public header of libmirlens.
 *
 * mirlens finds precursor microRNAs with a convolutional network over hairpin images
 * (Cordero, Menkovski & Allmer 2019, bioRxiv 840579) and explains its decisions.
 *
 * Conventions (see docs in the repository):
 *  - Every status function returns int: 0 on success, a negative MRL_ERR_* on failure.
 *    Stream readers return 1 = record, 0 = end of input, <0 = error, so an error never
 *    reads as EOF. Details of the last failure on this thread: mrl_errmsg().
 *  - The library never prints, never exits. Whoever calls _new calls _free; _free(NULL)
 *    is a no-op. _init/_release pair caller-owned structs.
 *  - Free energies are int in dcal/mol. Tensors are float32 NCHW row-major.
 *  - Randomness comes only from an mrl_rng_t passed explicitly.
 */
#ifndef MIRLENS_H
#define MIRLENS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MRL_VERSION "0.1.0"

#if defined(__GNUC__) || defined(__clang__)
#define MRL_MUST_CHECK __attribute__((warn_unused_result))
#else
#define MRL_MUST_CHECK
#endif

/* ===================================================================== common == */

/* Error codes (negative when returned). */
enum mrl_err {
    MRL_OK = 0,
    MRL_ERR_NOMEM = -1,   /* allocation failed */
    MRL_ERR_IO = -2,      /* open/read/write failed (errno in the message) */
    MRL_ERR_PARSE = -3,   /* malformed input: message names file and line */
    MRL_ERR_RANGE = -4,   /* value out of the allowed range (e.g. too long) */
    MRL_ERR_FORMAT = -5,  /* wrong file kind, unknown version, bad magic */
    MRL_ERR_CORRUPT = -6, /* truncated file or checksum mismatch */
    MRL_ERR_ARG = -7,     /* invalid argument from the caller */
    MRL_ERR_REFUSED = -8, /* input is valid but cannot be processed (e.g. no hairpin) */
    MRL_ERR_INTERNAL = -9 /* an invariant failed: a bug */
};

/* Message describing the last error set on the calling thread ("" if none). The
 * pointer stays valid until the next failing call on this thread. */
const char *mrl_errmsg(void);

/* Short name of an error code ("parse error", ...). Never NULL. */
const char *mrl_strerror(int err);

/* PCG32 random generator (O'Neill 2014). Caller-owned; one per stochastic stream. */
typedef struct mrl_rng {
    uint64_t state, inc;
} mrl_rng_t;

/* Seed a generator: same (seed, stream) => same sequence on every platform. */
void mrl_rng_init(mrl_rng_t *rng, uint64_t seed, uint64_t stream);
uint32_t mrl_rng_u32(mrl_rng_t *rng);
/* Uniform integer in [0, bound), unbiased. bound must be > 0. */
uint32_t mrl_rng_below(mrl_rng_t *rng, uint32_t bound);
/* Uniform float in [0, 1) with 24 random bits. */
float mrl_rng_uniform(mrl_rng_t *rng);
/* Standard normal deviate (Box-Muller in double, rounded to float). */
float mrl_rng_normal(mrl_rng_t *rng);

/* ========================================================================= io == */

/* Atomic output file: writes go to "<path>.tmp.XXXXXX" beside path; commit renames it
 * into place, abort removes it. A failed write or close is reported by commit (so a full
 * disk never leaves a half-written file under the final name). */
typedef struct mrl_atomic {
    FILE *fp;   /* write here */
    char *path; /* final path (owned) */
    char *tmp;  /* temporary path (owned) */
} mrl_atomic_t;

MRL_MUST_CHECK int mrl_atomic_open(mrl_atomic_t *af, const char *path);
/* Flush, fsync-free close and rename; releases af. On error the temp file is removed. */
MRL_MUST_CHECK int mrl_atomic_commit(mrl_atomic_t *af);
/* Close and remove the temporary file; releases af. Safe on a zeroed struct. */
void mrl_atomic_abort(mrl_atomic_t *af);

/* One sequence record. Strings are owned by the reader and valid until the next read. */
typedef struct mrl_seqrec {
    const char *id;   /* header text after '>' up to the first whitespace ("" if none) */
    const char *desc; /* rest of the header line after the id ("" if none) */
    const char *seq;  /* sequence, all lines joined, whitespace removed, as given */
    size_t len;       /* strlen(seq) */
    long line;        /* 1-based line number where the record starts */
    long index;       /* 0-based record number in this input */
} mrl_seqrec_t;

typedef struct mrl_fasta_opts {
    size_t max_length; /* longest sequence accepted (0 = no limit); default 10000 */
} mrl_fasta_opts_t;

void mrl_fasta_opts_default(mrl_fasta_opts_t *o);

typedef struct mrl_fasta mrl_fasta_t;

/* Open a FASTA file (plain or gzip) for streaming; path "-" reads stdin. Bare input with
 * one sequence per line and no '>' is accepted too (ids are "seq<N>", 1-based). The
 * reader streams: memory is bounded by the longest record. Caller frees with
 * mrl_fasta_close. */
MRL_MUST_CHECK int mrl_fasta_open(mrl_fasta_t **out, const char *path, const mrl_fasta_opts_t *o);
/* Next record: 1 = record in *rec, 0 = end of input, <0 = error (message names the file,
 * record and line). Rejected: a header with no sequence, a sequence with characters other
 * than letters (and '-' / '.' are rejected too), binary data, a sequence longer than
 * max_length. CRLF line ends are accepted. */
MRL_MUST_CHECK int mrl_fasta_read(mrl_fasta_t *fa, mrl_seqrec_t *rec);
void mrl_fasta_close(mrl_fasta_t *fa);

/* ======================================================================= fold == */

/* Energy parameters (Turner 2004 in ViennaRNA's layout), values in dcal/mol. */
typedef struct mrl_params mrl_params_t;

/* Built-in tables: "rnafold-2.1.3" (default: RNAfold 2.1.3's built-in set, which the
 * paper's images used) or "turner2004" (modern ViennaRNA >= 2.1.9 defaults). The
 * returned pointer is static and must not be freed. NULL for an unknown name. */
const mrl_params_t *mrl_params_builtin(const char *name);

/* Read a ViennaRNA 2.0 parameter file. Every token must parse; the message names file
 * and line otherwise. Caller frees with mrl_params_free. */
MRL_MUST_CHECK int mrl_params_load(mrl_params_t **out, const char *path);
void mrl_params_free(mrl_params_t *p);

/* Write parameters as a C source table (used by tools/ to make the built-in tables). */
MRL_MUST_CHECK int mrl_params_write_c(const mrl_params_t *p, const char *name, FILE *fp);

/* Reusable folding workspace (DP matrices, grown on demand; one per thread). */
typedef struct mrl_fold_ws mrl_fold_ws_t;

mrl_fold_ws_t *mrl_fold_ws_new(void);
void mrl_fold_ws_free(mrl_fold_ws_t *ws);

/* Minimum free energy fold as RNAfold 2.1.3 --noPS (d2, 37 C, lonely pairs, special
 * hairpins, MAXLOOP 30), with RNAfold's backtracking tie order.
 *  seq:    n letters (any case; T = U; other letters never pair), need not be terminated
 *  struct_out: n+1 bytes, receives the dot-bracket string
 *  mfe_out: receives the energy in dcal/mol
 * Returns 0, MRL_ERR_NOMEM, or MRL_ERR_ARG. Memory is O(n^2). */
MRL_MUST_CHECK int mrl_fold_mfe(mrl_fold_ws_t *ws, const mrl_params_t *p, const char *seq,
                                size_t n, char *struct_out, int *mfe_out);

/* Free energy (dcal/mol) of a given structure, evaluated loop by loop with the same model.
 * Returns 0 or MRL_ERR_ARG for an unbalanced structure / length mismatch. */
MRL_MUST_CHECK int mrl_fold_eval(const mrl_params_t *p, const char *seq, const char *structure,
                                 size_t n, int *energy_out);

/* ===================================================================== encode == */
/* (filled by the encode module) */

/* ========================================================================= nn == */
/* (filled by the nn module) */

/* ==================================================================== explain == */
/* (filled by the explain module) */

#ifdef __cplusplus
}
#endif
#endif /* MIRLENS_H */
