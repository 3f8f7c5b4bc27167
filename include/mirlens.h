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
    MRL_ERR_NOMEM = -1,       /* allocation failed */
    MRL_ERR_IO = -2,          /* open/read/write failed (errno in the message) */
    MRL_ERR_PARSE = -3,       /* malformed input: message names file and line */
    MRL_ERR_RANGE = -4,       /* value out of the allowed range (e.g. too long) */
    MRL_ERR_FORMAT = -5,      /* wrong file kind, unknown version, bad magic */
    MRL_ERR_CORRUPT = -6,     /* truncated file or checksum mismatch */
    MRL_ERR_ARG = -7,         /* invalid argument from the caller */
    MRL_ERR_REFUSED = -8,     /* input is valid but cannot be processed (e.g. no hairpin) */
    MRL_ERR_INTERNAL = -9,    /* an invariant failed: a bug */
    MRL_ERR_UNAVAILABLE = -10 /* a part this build was made without (mrl_keras_available) */
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

/* Seconds on a monotonic clock (for timings only, never for a result that must reproduce). */
double mrl_seconds(void);

/* ========================================================================= io == */

/* Atomic output file: writes go to "<path>.tmp.XXXXXX" beside path; commit renames it
 * into place, abort removes it. A failed write or close is reported by commit (so a full
 * disk never leaves a half-written file under the final name). */
typedef struct mrl_atomic {
    FILE *fp;   /* write here */
    char *path; /* final path (owned) */
    char *tmp;  /* temporary path (owned) */
    int slot;   /* private: its entry in the table of mrl_atomic_remove_all, 0 none */
} mrl_atomic_t;

MRL_MUST_CHECK int mrl_atomic_open(mrl_atomic_t *af, const char *path);
/* Flush, fsync-free close and rename; releases af. On error the temp file is removed. */
MRL_MUST_CHECK int mrl_atomic_commit(mrl_atomic_t *af);
/* Close and remove the temporary file; releases af. Safe on a zeroed struct. */
void mrl_atomic_abort(mrl_atomic_t *af);
/* Remove the temporary file of every mrl_atomic_t open in this process (up to 64 at once;
 * more are written but not tracked). Async-signal-safe (reads a static table, calls unlink):
 * for a SIGINT/SIGTERM handler, so an interrupted run leaves no "*.tmp.XXXXXX" behind. The
 * files' streams stay open; the process is expected to end. */
void mrl_atomic_remove_all(void);

/* Output directory written whole: open creates the sibling "<dir>.tmp.XXXXXX" (tmp) with the
 * mark file MRL_OUTDIR_MARK in it; the run writes everything under tmp; commit renames tmp
 * onto dir, abort removes tmp and all in it. dir itself is not touched before commit, so an
 * error leaves it as it was. An existing dir is accepted when it is empty or an earlier
 * mirlens output (it holds the mark, or the index.html / mutagenesis.html of a run made
 * before the mark): commit then swaps the two atomically (renameat2 RENAME_EXCHANGE; where
 * the file system lacks it, dir is moved aside for the instant of a second rename) and
 * removes the earlier output. A dir holding anything else is refused (MRL_ERR_REFUSED), so
 * '-o ~' never deletes a home directory; "", "/", "." and ".." are refused (MRL_ERR_ARG).
 * A symbolic link to a directory is resolved: the directory it points to is replaced. */
#define MRL_OUTDIR_MARK ".mirlens-output"
typedef struct mrl_outdir {
    char *path; /* the final directory, trailing slashes dropped (owned) */
    char *tmp;  /* the temporary directory the run writes into (owned) */
    int replace; /* dir holds an earlier output, exchanged at commit */
} mrl_outdir_t;

/* Returns 0, MRL_ERR_ARG, MRL_ERR_REFUSED, MRL_ERR_IO (message names the directory) or
 * MRL_ERR_NOMEM; on error nothing is left on disk and od is zeroed. */
MRL_MUST_CHECK int mrl_outdir_open(mrl_outdir_t *od, const char *dir);
/* Put tmp in place of dir; releases od. On error (MRL_ERR_IO) tmp is removed and dir is as
 * it was (except the one case the message states: the new output is in place and the
 * earlier one, moved aside, could not be removed). */
MRL_MUST_CHECK int mrl_outdir_commit(mrl_outdir_t *od);
/* Remove tmp and everything in it; releases od. Safe on a zeroed struct. */
void mrl_outdir_abort(mrl_outdir_t *od);
/* Remove path and everything under it (16 levels deep at most; symbolic links are removed,
 * never followed). Async-signal-safe: system calls only, no allocation, no stdio, no locks,
 * so a SIGINT/SIGTERM handler may remove a run's tmp with it. Returns 0 (also when path
 * does not exist) or MRL_ERR_IO with errno set; the error message is not set (that is not
 * async-signal-safe). */
int mrl_outdir_remove(const char *path);

/* One sequence record. Strings are owned by the reader and valid until the next read. */
typedef struct mrl_seqrec {
    const char *id;   /* header text after '>' up to the first whitespace ("" if none) */
    const char *desc; /* rest of the header line after the id ("" if none) */
    const char *seq;  /* sequence, all lines joined, whitespace removed, as given */
    size_t len;       /* strlen(seq) */
    long line;        /* 1-based line number where the record starts */
    long index;       /* 0-based record number in this input */
    int named;        /* 1 if the record had a '>' header, 0 for bare one-per-line input */
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
 * max_length. LF, CR LF and lone CR line ends are accepted, and a UTF-8 byte-order mark
 * at the start is skipped (as by every line-based reader of mirlens). */
MRL_MUST_CHECK int mrl_fasta_read(mrl_fasta_t *fa, mrl_seqrec_t *rec);
void mrl_fasta_close(mrl_fasta_t *fa);

/* A piece of a record, for chromosome-size sequence (mrl_fasta_read_part). */
typedef struct mrl_seqpart {
    const char *id;  /* the record's id (first word of its header) */
    const char *seq; /* letters of this piece, as given (any letter; see below) */
    size_t len;      /* may be 0 only on a record's last piece */
    uint64_t offset; /* position of seq[0] in the record, 0-based */
    long index;      /* 0-based record number */
    int last;        /* 1: the record ends with this piece */
} mrl_seqpart_t;

/* Stream a FASTA file in pieces of up to max (>= 1) letters each (the genome scanner:
 * memory is bounded by max and the longest line, not the record; a line longer than a
 * piece is handed out over several). Headers are required; every record
 * must have sequence; any letter is accepted (IUPAC codes, soft-masked lowercase); no
 * length limit. 1 = a piece in *p (strings valid until the next call), 0 = end of input,
 * <0 = error naming the file, record and line. Do not mix with mrl_fasta_read on one
 * reader. */
MRL_MUST_CHECK int mrl_fasta_read_part(mrl_fasta_t *fa, mrl_seqpart_t *p, size_t max);
/* How far reading has got: bytes of the file consumed (compressed bytes for gzip) and the
 * file size; total is 0 when unknown (standard input, a pipe). For progress displays. */
void mrl_fasta_position(const mrl_fasta_t *fa, uint64_t *done, uint64_t *total);

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
/* The energy set a user named (`--params NAME|FILE`): a built-in name (spec NULL: the
 * default, rnafold-2.1.3), else a parameter file read with mrl_params_load. *P points at
 * it; *owned is the loaded set the caller frees with mrl_params_free (NULL for a
 * built-in one). Returns 0 or mrl_params_load's error. */
MRL_MUST_CHECK int mrl_params_resolve(const char *spec, const mrl_params_t **P,
                                      mrl_params_t **owned);

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

/* Format an energy in dcal/mol as kcal/mol with two decimals ("-46.70", "0.00"), exactly
 * as printf("%.2f", e / 100.0) would but without floating point. buf: >= 16 bytes. */
char *mrl_energy_str(int dcal, char *buf);

/* Free energy (dcal/mol) of a given structure, evaluated loop by loop with the same model.
 * Returns 0 or MRL_ERR_ARG for an unbalanced structure / length mismatch. */
MRL_MUST_CHECK int mrl_fold_eval(const mrl_params_t *p, const char *seq, const char *structure,
                                 size_t n, int *energy_out);

/* ===================================================================== encode == */

/* Hairpin image of Cordero, Menkovski & Allmer 2019 (DeepMir ImageCalc.jar), pixel for pixel;
 * spec: docs/hairpin-image.md. 25 rows x 100 columns, 8-bit RGB, six colours only: white
 * background, A yellow, C blue, G red, U/T green, anything else (gap, N, ...) black.
 *
 * Geometry. Image column c is alignment column c of the jar's two-strand walk, counted from
 * the chosen terminal loop outwards: column 0 is the innermost loop position, the termini
 * are at column ncols-1 (columns >= 100 are cut off, columns >= ncols stay white). In each
 * column the 5' arm base is a bar growing upward from row 12 (rows 12-(top_px-1) .. 12) and
 * the 3' arm base a bar growing downward from row 13 (rows 13 .. 12+bot_px). Bar colour =
 * the base; bar length = a pair term (G-C shortest, then A-U, G-U, anything else) plus a
 * ramp for unpaired runs. A gap is a black bar (2 pixels; 5 facing a non-ACGU 3' letter). */
#define MRL_IMG_H 25
#define MRL_IMG_W 100
#define MRL_IMG_BYTES (MRL_IMG_H * MRL_IMG_W * 3)
#define MRL_IMG_TOP_ROW 12 /* the 5' bars end on this row, the 3' bars start on the next */

/* What an image column holds. "Paired" means bracket facing bracket in the walk, which zips
 * brackets blindly: in multi-branch folds they need not be partners of each other. */
enum mrl_col_kind {
    MRL_COL_NONE = 0,     /* no alignment column here (c >= used): all white */
    MRL_COL_PAIRED = 1,   /* bracket over bracket: pos5 and pos3 both set */
    MRL_COL_UNPAIRED = 2, /* unpaired over unpaired (terminal/internal loop, dangling ends) */
    MRL_COL_TOP_ONLY = 3, /* unpaired 5' base over a gap (pos3 = -1): 5' bulge */
    MRL_COL_BOT_ONLY = 4  /* gap over an unpaired 3' base (pos5 = -1): 3' bulge */
};

/* One drawn hairpin with its column map. Caller-owned, plain data (no release needed).
 * Column map, for c in [0, MRL_IMG_W):
 *  pos5[c]  0-based sequence position of the top (5' arm) base, -1 for a gap or no column
 *  pos3[c]  0-based sequence position of the bottom (3' arm) base, -1 likewise
 *  top_px[c], bot_px[c]  pixel heights of the two bars (0 only for no column; a gap bar
 *           is black, 2 pixels, or 5 facing a non-ACGU 3' letter). Every non-white pixel
 *           lies in one of the two bars; mrl_encode_pixel_pos resolves single pixels.
 * Reading the map: pos5 runs k-1, k-2, ..., 0 (with gaps) from column 0 rightwards, pos3
 * runs o+1, o+2, ..., n-1. In a simple stem-loop the L = k-o-1 loop bases occupy columns
 * 0..L-1 on both halves (drawn twice, mirrored) and column L is the closing pair (o, k).
 * A position may therefore appear in two columns; positions dropped by the walk (see
 * dropped5/dropped3) or beyond column 99 appear in none. */
typedef struct mrl_hairpin {
    uint8_t rgb[MRL_IMG_BYTES]; /* (25,100,3) row-major R,G,B, values 0 or 255 */
    int32_t pos5[MRL_IMG_W];
    int32_t pos3[MRL_IMG_W];
    uint8_t kind[MRL_IMG_W]; /* enum mrl_col_kind */
    uint8_t top_px[MRL_IMG_W];
    uint8_t bot_px[MRL_IMG_W];
    int ncols;      /* C: alignment columns of the walk (may exceed MRL_IMG_W) */
    int used;       /* drawn columns: min(C, MRL_IMG_W) */
    int loop_open;  /* o: index of the '(' closing the chosen terminal hairpin loop */
    int loop_close; /* k: index of its ')' */
    int dropped5;   /* 5' positions [k - dropped5, k) were left unvisited by the walk */
    int dropped3;   /* 3' positions [o + 1, o + 1 + dropped3) were left unvisited */
} mrl_hairpin_t;

/* Draw the hairpin image of seq (n letters, as given: case and T/U do not matter, any
 * other character is drawn black) folded as structure (n chars of '.', '(' and ')'; the
 * brackets need not balance, the jar never checks). Neither string needs a terminator.
 * The loop closest to the middle is chosen (leftmost on a tie) and the jar's walk, its
 * quirks included, fills *out completely.
 * Returns 0; MRL_ERR_REFUSED with message "empty sequence" (n == 0) or "no hairpin loop"
 * (no '(' '.'+ ')' in structure), *out then holds an all-white image and an empty map;
 * MRL_ERR_ARG for a character other than .() in structure or a NULL pointer;
 * MRL_ERR_RANGE for n >= 2^30. */
MRL_MUST_CHECK int mrl_encode_hairpin(const char *seq, size_t n, const char *structure,
                                      mrl_hairpin_t *out);

/* Sequence position (0-based) of the nucleotide whose bar covers pixel (row, col), or -1
 * for a white pixel, a black gap bar, or (row, col) outside the image. This is the map
 * that carries pixel attributions back to nucleotides. */
int mrl_encode_pixel_pos(const mrl_hairpin_t *h, int row, int col);

/* Network input: rgb (25,100,3) bytes -> chw (3,25,100) float32 = byte / 255. */
void mrl_encode_to_chw(const uint8_t *rgb, float *chw);

/* A set of images as stored in cordero_images/: <base>.u8 or <base>.u8.gz (N x 25 x 100 x 3
 * bytes, row-major; gzip or plain), <base>.labels (one 0/1 per line) and <base>.names (one
 * name per line). Everything is read into memory. */
typedef struct mrl_imageset {
    size_t n;       /* number of images */
    uint8_t *rgb;   /* (n,25,100,3) */
    int8_t *labels; /* n values 0/1; NULL when <base>.labels does not exist */
    char **names;   /* n strings; NULL when <base>.names does not exist */
} mrl_imageset_t;

/* Load an image set. path is "<base>.u8", "<base>.u8.gz" or "<base>" (then .u8.gz is tried
 * before .u8). Checked: the image data is a whole number of images (a multiple of 7500
 * bytes), a .labels/.names file, if present, has exactly one valid line per image.
 * Returns 0, MRL_ERR_IO, MRL_ERR_CORRUPT, MRL_ERR_PARSE or MRL_ERR_NOMEM (message names the
 * file). Caller frees *out with mrl_imageset_free. */
MRL_MUST_CHECK int mrl_imageset_load(mrl_imageset_t **out, const char *path);
void mrl_imageset_free(mrl_imageset_t *s);
/* Replace the labels of s by those of a labels file (one 0 or 1 per line, exactly one per
 * image). Returns 0, MRL_ERR_IO, MRL_ERR_CORRUPT (count), MRL_ERR_PARSE or MRL_ERR_NOMEM;
 * s is unchanged on error. */
MRL_MUST_CHECK int mrl_imageset_read_labels(mrl_imageset_t *s, const char *path);

/* Write an 8-bit RGB PNG (colour type 2, not interlaced) of a (height,width,3) row-major
 * image, each pixel enlarged to a scale x scale block (nearest neighbour; scale 1..64).
 * Written to "<path>.tmp.XXXXXX" and renamed, so path is never half-written.
 * Returns 0, MRL_ERR_ARG, MRL_ERR_IO or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_png_write(const char *path, const uint8_t *rgb, int width, int height,
                                 int scale);

/* Reader of sequences with given structures ("dot-bracket notation" records), for drawing
 * without folding. Two layouts, detected from the first non-blank line:
 *  - RNAfold output: ">id" line (optional), sequence line, "structure ( energy)" line;
 *  - TSV: "id<TAB>sequence<TAB>structure[<TAB>energy[<TAB>...]]", an optional header line
 *    starting with "id<TAB>" is skipped (so encoding golden files read as they are).
 * Energies are kcal/mol with at most two decimals and become dcal/mol; a TSV row may have
 * an empty sequence and structure (the caller decides; mrl_encode_hairpin refuses it). */
typedef struct mrl_dbnrec {
    const char *id;        /* owned by the reader, valid until the next read */
    const char *seq;       /* as given (no case change) */
    const char *structure; /* same length as seq */
    size_t len;            /* strlen(seq) */
    int has_energy;        /* 1 when the input gave an energy */
    int energy;            /* dcal/mol when has_energy */
    long line;             /* 1-based line where the record starts */
    long index;            /* 0-based record number */
} mrl_dbnrec_t;

typedef struct mrl_dbn mrl_dbn_t;

/* Open path ("-" = stdin; plain or gzip). o->max_length limits sequence length as for
 * FASTA (NULL = defaults). Caller frees with mrl_dbn_close. */
MRL_MUST_CHECK int mrl_dbn_open(mrl_dbn_t **out, const char *path, const mrl_fasta_opts_t *o);
/* 1 = record in *rec, 0 = end of input, <0 = error (message names file and line):
 * structure length differs from the sequence, a character other than .() in a structure,
 * unbalanced brackets (the column of the first without a partner), a missing field, an
 * unparsable energy, a sequence over max_length. */
MRL_MUST_CHECK int mrl_dbn_read(mrl_dbn_t *r, mrl_dbnrec_t *rec);
void mrl_dbn_close(mrl_dbn_t *r);

/* ========================================================================= nn == */

/* The CNN engine. A network is described as data (mrl_arch_t: a list of layers), so the
 * model file carries its own architecture. Tensors are float32 NCHW row-major; a layer's
 * output shape per image is (C,H,W), with dense/flatten outputs given as (n,1,1). For
 * prediction and training the last layer gives K >= 2 logits (a dense layer); the loss is
 * softmax + categorical cross-entropy. Layers are indexed 0..n_layers-1; index -1 stands
 * for the network input. */
enum mrl_layer_kind {
    MRL_LAYER_CONV = 1,    /* 2-D convolution, stride 1: out channels, k x k, valid or same */
    MRL_LAYER_RELU = 2,    /* max(x, 0); its backward rule is chosen per backward pass */
    MRL_LAYER_MAXPOOL = 3, /* k x k window, stride k, floor (trailing rows/cols dropped) */
    MRL_LAYER_DROPOUT = 4, /* inverted dropout (kept values scaled by 1/(1-rate)) */
    MRL_LAYER_FLATTEN = 5, /* (C,H,W) -> (C*H*W) in NCHW order */
    MRL_LAYER_DENSE = 6    /* fully connected: out units */
};

#define MRL_NN_MAX_LAYERS 48
#define MRL_NN_MAX_IN_C 64

typedef struct mrl_layer_spec {
    int kind;   /* enum mrl_layer_kind */
    int out;    /* conv: output channels; dense: units; 0 otherwise */
    int k;      /* conv: kernel size; maxpool: window (= stride); 0 otherwise */
    int same;   /* conv: 1 = "same" zero padding (extra pad at the end for even k), 0 = valid */
    float rate; /* dropout: drop probability in [0, 1) */
} mrl_layer_spec_t;

typedef struct mrl_arch {
    int in_c, in_h, in_w; /* input image shape (C,H,W) */
    int n_layers;
    mrl_layer_spec_t layer[MRL_NN_MAX_LAYERS];
    /* input normalisation per channel: x = pixel * in_scale[c] + in_shift[c] */
    float in_scale[MRL_NN_MAX_IN_C], in_shift[MRL_NN_MAX_IN_C];
} mrl_arch_t;

/* The paper's network ("VGG-style, 3 modules, 256 dense units") for 3x25x100 RGB/255 images
 * with k x k convolutions (k = 3 in the paper and the default for k <= 0; 5 in the authors'
 * code); 2 output classes (logits), 23 layers. */
void mrl_arch_default(mrl_arch_t *a, int k);
/* Validate an architecture (shapes stay positive, parameters in range). Returns 0 or
 * MRL_ERR_ARG with the offending layer in the message. */
MRL_MUST_CHECK int mrl_arch_check(const mrl_arch_t *a);
/* Output shape (C,H,W) of `layer` (-1 = input) into shape[3]. a must have passed
 * mrl_arch_check. Returns 0 or MRL_ERR_ARG for a layer out of range. */
MRL_MUST_CHECK int mrl_arch_shape(const mrl_arch_t *a, int layer, int shape[3]);

/* A model: architecture, parameters, gradients and Adam state in one contiguous block each
 * (llm.c style), and free-form key/value metadata (seed, data, epochs, metrics, ...).
 * Parameters per layer with weights: weights (conv OIHW, dense (out, in) with `in` in NCHW
 * flatten order) then biases. */
typedef struct mrl_model mrl_model_t;

/* New model with Glorot-uniform weights drawn from PCG32(seed, stream 0) and zero biases;
 * the seed is recorded as metadata "seed". Caller frees with mrl_model_free. Returns 0,
 * MRL_ERR_ARG (bad architecture) or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_model_new(mrl_model_t **out, const mrl_arch_t *a, uint64_t seed);
void mrl_model_free(mrl_model_t *m);
const mrl_arch_t *mrl_model_arch(const mrl_model_t *m);
size_t mrl_model_nparams(const mrl_model_t *m);
/* The parameter / gradient blocks (nparams floats each), owned by the model. After
 * writing parameters directly call mrl_model_touch so cached kernel layouts refresh. */
float *mrl_model_params(mrl_model_t *m);
float *mrl_model_grads(mrl_model_t *m);
void mrl_model_touch(mrl_model_t *m);
void mrl_model_zero_grads(mrl_model_t *m);
/* Offsets (in floats) and counts of a layer's weights and biases in the blocks; counts are
 * 0 for layers without parameters. Returns 0 or MRL_ERR_ARG for a layer out of range. */
MRL_MUST_CHECK int mrl_model_layer_params(const mrl_model_t *m, int layer, size_t *w_off,
                                          size_t *w_n, size_t *b_off, size_t *b_n);

/* Convert 8-bit images (N,H,W,C) (the encoder's layout) to normalised input (N,C,H,W). */
void mrl_model_normalize(const mrl_model_t *m, const uint8_t *img, size_t n, float *x);

/* Metadata: keys and values are printable strings without newlines (<= 4095 bytes). Set
 * replaces an existing key. get returns NULL if absent; the pointer is owned by the model
 * and valid until the key is set again or the model is freed. */
MRL_MUST_CHECK int mrl_model_meta_set(mrl_model_t *m, const char *key, const char *value);
const char *mrl_model_meta_get(const mrl_model_t *m, const char *key);

/* The lengths of the sequences a model was trained on (metadata train_length_min and
 * train_length_max, nt; `mirlens train` records the 0.5th and 99.5th percentiles of its
 * FASTA inputs' lengths, so that a few very long hairpins do not widen it). Returns 1 and
 * sets *lo, *hi when recorded, else 0. A sequence outside the range is scored by
 * extrapolation (predict and explain flag it): a fold wider than the image's 100 columns is
 * cut, and genomic stretches are what `mirlens scan` is for. */
int mrl_model_length_range(const mrl_model_t *m, long *lo, long *hi);
/* Record [lo, hi] as the training length range of m (merged with one already recorded when
 * merge is 1: the union, for a fine-tuned model). Returns 0 or mrl_model_meta_set's error. */
MRL_MUST_CHECK int mrl_model_set_length_range(mrl_model_t *m, long lo, long hi, int merge);
/* The longest sequence a model was trained on, nt (metadata train_length_longest, which
 * `mirlens train` records from its FASTA inputs; a model file without it, an imported or
 * older one, reads as unknown). Returns 1 and sets *longest when recorded, else 0. */
int mrl_model_length_longest(const mrl_model_t *m, long *longest);
/* Record longest (the larger of it and the one recorded when merge is 1). Returns 0 or
 * mrl_model_meta_set's error. */
MRL_MUST_CHECK int mrl_model_set_length_longest(mrl_model_t *m, long longest, int merge);
/* The longest sequence the commands that fold for a model (predict, eval, train, explain)
 * accept by default, nt (their --max-length). Fold memory grows as n^2 and time as n^3:
 * one fold + score on one core, measured with /usr/bin/time -v (docs in README), 1,000 nt
 * 0.4 s / 36 MB, 2,000 nt 2.4 s / 57 MB, 3,000 nt 8.3 s / 93 MB, 5,000 nt 35 s / 211 MB,
 * 10,000 nt minutes and over 700 MB; the shipped default model saw 52-366 nt (central 99%). */
#define MRL_MODEL_MAX_LENGTH 3000

/* Save (temporary file + rename) / load a model file: magic "MIRLNN\r\n", version,
 * architecture, normalisation, metadata, parameters, CRC-32; every field little-endian,
 * written one by one. Load refuses a truncated or corrupt file (MRL_ERR_CORRUPT), a bad
 * magic or unknown version (MRL_ERR_FORMAT); the message names the file. Adam state is not
 * stored. Caller frees the loaded model with mrl_model_free. */
MRL_MUST_CHECK int mrl_model_save(const mrl_model_t *m, const char *path);
MRL_MUST_CHECK int mrl_model_load(mrl_model_t **out, const char *path);
/* The element-wise mean of the parameters of n >= 1 models of one architecture (a uniform
 * "model soup", Wortsman et al. 2022: meant for runs fine-tuned from one pretrained model),
 * summed in double in the order given. The new model has no metadata except
 * "shuffled_labels" = "1" when any input was trained on shuffled labels. Caller frees with
 * mrl_model_free. Returns 0, MRL_ERR_ARG (n < 1, architectures differ; the message names
 * the model and layer) or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_model_average(mrl_model_t **out, mrl_model_t *const *ms, int n);

/* Adam (Kingma & Ba 2015) as Keras implements it: lr_t = lr*sqrt(1-b2^t)/(1-b1^t),
 * p -= lr_t * m / (sqrt(v) + eps). Defaults (Keras): lr 1e-3, beta1 0.9, beta2 0.999,
 * eps 1e-7. */
typedef struct mrl_adam_opts {
    float lr, beta1, beta2, eps;
} mrl_adam_opts_t;

void mrl_adam_opts_default(mrl_adam_opts_t *o);
/* One Adam step of all parameters from the gradient block (grads are left as they are). */
void mrl_model_adam_step(mrl_model_t *m, const mrl_adam_opts_t *o);
/* Number of Adam steps taken so far. */
long mrl_model_adam_t(const mrl_model_t *m);

/* Softmax + mean categorical cross-entropy over n rows of k logits (n,k). Any of probs
 * (n,k), dlogits (n,k) (gradient of the mean loss) and loss may be NULL. labels in [0,k). */
void mrl_nn_softmax_xent(const float *logits, const int *labels, size_t n, int k, float *probs,
                         float *dlogits, double *loss);

/* Execution context bound to one model (oneDNN kernels, activation arena, threads). Not
 * thread-safe: one context per calling thread.
 *
 * Determinism, on one CPU kind (one oneDNN instruction set, see mrl_cpu_isa) and one
 * precision, with any thread count:
 *  - the same inputs give the same bits, run after run: work is split into fixed shards of
 *    images and reductions run in a fixed order;
 *  - outside training (MRL_NN_INFER, MRL_NN_EXPLAIN) an image's activations, probabilities
 *    and gradients are the same bits alone or in any batch, at any position: they never
 *    depend on the other images of the batch (tests/unit/test_nn_determinism.c);
 *  - a training step (and its weight gradients) depends on the whole batch, as it must.
 * Across CPU kinds the bits differ (oneDNN's kernels sum in an order of their own per
 * instruction set): f32 logits agree within 1e-5 absolute + 1e-4 relative (checked against
 * the PyTorch reference under each instruction set; measured: 2e-6 between AVX-512, AVX2
 * and SSE4.1 on the default model). bf16 results depend on the CPU's bf16 units. */
typedef struct mrl_nn_opts {
    int threads; /* worker threads; 0 = all online CPUs (default; the commands of mirlens
                  * that run the network take fewer, CLI_THREADS in src/cli/cli.h). A batch
                  * runs in shards of at most 32 images (at least two) on this many
                  * threads of our own; a single image lets oneDNN's OpenMP team use that
                  * many (the calling thread's OpenMP thread count is set for the call and
                  * restored after). OMP_WAIT_POLICY=passive stops idle OpenMP threads
                  * from spinning. */
    int precision; /* MRL_PREC_F32 (default: exact, the reference) or MRL_PREC_BF16 */
} mrl_nn_opts_t;

/* Arithmetic of the convolutions. MRL_PREC_BF16: every convolution but the first
 * multiplies in bfloat16 (8-bit mantissa) with f32 sums, on the CPU's AMX or AVX512-BF16
 * units (several times the f32 rate where present); activations, gradients, pooling, dense
 * layers and the weights stay f32. Probabilities differ from f32 by about 1e-3, input
 * gradients point the same way (cosine > 0.99); determinism as for f32 (above). On a CPU
 * without bf16 units (AVX2, or AVX-512 without BF16: mrl_cpu_bf16() == 0) every layer
 * falls back to f32, one by one where only some have fast bf16 kernels; mrl_nn_precision
 * tells. Never an error. */
enum mrl_precision { MRL_PREC_F32 = 0, MRL_PREC_BF16 = 1 };

void mrl_nn_opts_default(mrl_nn_opts_t *o);

typedef struct mrl_nn mrl_nn_t;

/* New context for model m (borrowed: it must outlive the context; parameter updates made
 * through the model are seen by the next call). Caller frees with mrl_nn_free. */
MRL_MUST_CHECK int mrl_nn_new(mrl_nn_t **out, mrl_model_t *m, const mrl_nn_opts_t *o);
void mrl_nn_free(mrl_nn_t *nn);
/* The precision the context really computes in: MRL_PREC_BF16 if any layer runs in bf16. */
int mrl_nn_precision(const mrl_nn_t *nn);
/* Layer kernels (convolution, pooling, dense; any pass, any batch size) the context has
 * created so far that are oneDNN's unoptimised reference implementation, 10-100x slower
 * than its JIT kernels; expected 0 on a CPU with AVX2 (test_nn_kernels checks it). A
 * diagnostic for tests and benchmarks. */
int mrl_nn_reference_kernels(const mrl_nn_t *nn);
/* The instruction set oneDNN's kernels use on this CPU, after the cap the environment
 * variable ONEDNN_MAX_CPU_ISA sets: "sse41", "avx", "avx2", "avx2_vnni", "avx512_core",
 * "avx512_core_vnni", "avx512_core_bf16", "avx512_core_amx" or "other". A static string. */
const char *mrl_cpu_isa(void);
/* 1 if that instruction set has bfloat16 units (AVX512-BF16 or AMX): the CPUs where
 * MRL_PREC_BF16 computes in bf16; elsewhere every layer stays f32. */
int mrl_cpu_bf16(void);

enum mrl_nn_mode {
    MRL_NN_INFER = 0,   /* inference only: no backward afterwards */
    MRL_NN_EXPLAIN = 1, /* inference, keeping what a later backward pass needs */
    MRL_NN_TRAIN = 2    /* dropout active (needs rng), keeps what backward needs */
};

/* Forward pass of n images x (N,C,H,W) (normalised). rng is used in MRL_NN_TRAIN only:
 * two draws seed the pass; image n's dropout mask of layer i comes from PCG32 stream
 * n * MRL_NN_MAX_LAYERS + i of that seed, in NCHW order. Returns 0, MRL_ERR_ARG or
 * MRL_ERR_NOMEM / MRL_ERR_INTERNAL. */
MRL_MUST_CHECK int mrl_nn_forward(mrl_nn_t *nn, const float *x, size_t n, int mode,
                                  mrl_rng_t *rng);
/* Copy the activation (grad = 0) or the gradient (grad = 1) at the output of `layer`
 * (-1 = input) of the last pass into out (N, shape of layer). The activation of a conv or
 * dense layer directly followed by ReLU is fused away (MRL_ERR_ARG): read the ReLU's (for
 * Grad-CAM on conv layer i: activation and gradient of layer i+1). A gradient is readable
 * for layers stop..layer of the last backward pass. */
MRL_MUST_CHECK int mrl_nn_read(const mrl_nn_t *nn, int layer, int grad, float *out);
/* Inference on n images: class probabilities (N,K) (softmax of the logits). */
MRL_MUST_CHECK int mrl_nn_predict(mrl_nn_t *nn, const float *x, size_t n, float *probs);

enum mrl_relu_rule {
    MRL_RELU_STANDARD = 0,  /* dx = dy * [y > 0] */
    MRL_RELU_GUIDED = 1,    /* guided backprop: dx = dy * [y > 0] * [dy > 0] */
    MRL_RELU_DECONVNET = 2  /* deconvnet: dx = max(dy, 0) */
};

typedef struct mrl_nn_bwd_opts {
    int relu_rule; /* enum mrl_relu_rule (default standard) */
    int weights;   /* 1 = accumulate (+=) parameter gradients into the model (default 0) */
    int stop;      /* lowest layer whose output gradient is computed; -1 = input (default) */
} mrl_nn_bwd_opts_t;

void mrl_nn_bwd_opts_default(mrl_nn_bwd_opts_t *o);

/* Backward pass after a forward in MRL_NN_EXPLAIN or MRL_NN_TRAIN mode, starting from the
 * gradient dy (N, shape of `layer`) at the output of `layer` and going down to the output of
 * layer o->stop (-1: the input). Every ReLU on the way applies o->relu_rule; with
 * o->weights, layers stop..layer add their parameter gradients to the model's. Gradients
 * are then readable with mrl_nn_read(.., grad = 1). May be called several times after one
 * forward (e.g. once per class). Returns 0 or MRL_ERR_ARG / MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_nn_backward(mrl_nn_t *nn, int layer, const float *dy,
                                   const mrl_nn_bwd_opts_t *o);

/* One training step on a batch: forward with dropout, softmax cross-entropy against labels
 * (N), backward with parameter gradients (the model's grads are overwritten with the batch
 * mean gradient), one Adam step. class_weight (one per class, or NULL = all 1) scales each
 * image's loss by the weight of its label, as Keras' class_weight: loss = sum_i
 * w[y_i] CE_i / N. loss (that weighted mean) and ncorrect may be NULL. */
MRL_MUST_CHECK int mrl_nn_train_step(mrl_nn_t *nn, const float *x, const int *labels,
                                     const float *class_weight, size_t n,
                                     const mrl_adam_opts_t *ao, mrl_rng_t *rng, double *loss,
                                     int *ncorrect);

/* 1 if this build of the library imports Keras models (it was built with HDF5 and cJSON,
 * `make KERAS=1` or found by `make`), else 0: then mrl_model_import_keras only fails. */
int mrl_keras_available(void);

/* Import a Keras 2.x HDF5 model file (model.save of a Sequential network; e.g. the authors'
 * ../shared/models/NAME.h5) as an ordinary mirlens model. Accepted layers: Conv2D (stride 1,
 * dilation 1, valid/same, relu/linear), MaxPooling2D (square, strides = pool, valid),
 * Dropout, Flatten, Dense (relu/linear; softmax on the last one, which becomes logits); all
 * channels_last, input batch_input_shape [null,H,W,C], normalised as pixel / 255. Weights
 * are converted to OIHW / (out,in) with the first Dense after Flatten permuted from (h,w,c)
 * to (c,h,w) order. Metadata: source, keras_version, keras_backend, keras_model_class.
 * Returns 0; MRL_ERR_IO (missing/unreadable file), MRL_ERR_FORMAT (not HDF5, no
 * model_config, missing weights), MRL_ERR_PARSE (bad JSON), MRL_ERR_REFUSED (another model
 * kind, layer or option: the message names the layer), MRL_ERR_CORRUPT (weight shape does
 * not match the architecture, non-finite weights), MRL_ERR_NOMEM, or MRL_ERR_UNAVAILABLE in
 * a build without Keras support (mrl_keras_available() == 0; the message names what is
 * missing). Not thread-safe with other HDF5 use in the process. Caller frees *out with
 * mrl_model_free. */
MRL_MUST_CHECK int mrl_model_import_keras(mrl_model_t **out, const char *h5_path);

/* ==================================================================== explain == */

/* Attribution maps: which input pixels (and, through the encoder's column map, which
 * nucleotides) drive the network's score for a class. Conventions shared by every method:
 *  - the explained score is the LOGIT of the target class (default 1 = pre-miRNA), not its
 *    probability (logits do not saturate; the standard choice for saliency);
 *  - a map has the input's shape (C,H,W), float32, signed per channel, in the units of the
 *    score (gradient methods: d logit / d normalised input). Methods that are spatial only
 *    (gradcam, occlusion, occlusion-nt, kernel-shap) spread each pixel's value evenly over
 *    the C channels, so that the channel sum (mrl_explain_channel_sum, (H,W)) is the map
 *    the method defines; that (H,W) map is what nucleotides and pictures are made from;
 *  - the white (blank) image is the reference: IG's baseline, the occlusion fill, and a
 *    removed feature of kernel-shap;
 *  - randomness (SmoothGrad noise, SHAP samples) comes from PCG32(seed, stream = image's
 *    index in the call); the same call gives the same maps bit for bit with any thread
 *    count, and an image's random draws do not depend on the other images of the call. */
enum mrl_explain_method {
    MRL_EXPLAIN_GRADIENT = 0,      /* vanilla saliency (Simonyan et al. 2014) */
    MRL_EXPLAIN_GRADIENT_X_INPUT,  /* gradient times (input - white) */
    MRL_EXPLAIN_GUIDED,            /* guided backpropagation (Springenberg et al. 2015) */
    MRL_EXPLAIN_DECONVNET,         /* deconvnet rule (Zeiler & Fergus 2014) */
    MRL_EXPLAIN_SMOOTHGRAD,        /* SmoothGrad over gradients (Smilkov et al. 2017) */
    MRL_EXPLAIN_SMOOTHGRAD_GUIDED, /* SmoothGrad over guided backprop (the seed's method,
                                      Cordero et al. 2019; fails the sanity checks) */
    MRL_EXPLAIN_GRADCAM,           /* Grad-CAM (Selvaraju et al. 2017), bilinear upsampling */
    MRL_EXPLAIN_GUIDED_GRADCAM,    /* guided backprop times Grad-CAM */
    MRL_EXPLAIN_OCCLUSION,         /* white patch slid over the image; drop of the score */
    MRL_EXPLAIN_OCCLUSION_NT,      /* one nucleotide bar (half column) whitened at a time */
    MRL_EXPLAIN_IG,                /* integrated gradients (Sundararajan et al. 2017); the
                                      default */
    MRL_EXPLAIN_SHAP,              /* expected gradients / GradientSHAP (Erion et al. 2021) */
    MRL_EXPLAIN_KERNEL_SHAP,       /* KernelSHAP (Lundberg & Lee 2017), nucleotide bars */
    MRL_EXPLAIN_NMETHODS
};

/* Method name as the CLI spells it ("gradient", "gradient-x-input", "guided", "deconvnet",
 * "smoothgrad", "smoothgrad-guided", "gradcam", "guided-gradcam", "occlusion",
 * "occlusion-nt", "integrated-gradients", "shap", "kernel-shap"); NULL if out of range.
 * mrl_explain_method_find maps a name (or the alias "ig") back, -1 if unknown. */
const char *mrl_explain_method_name(int method);
int mrl_explain_method_find(const char *name);
/* 1 when the method's map is a signed contribution relative to the white reference
 * (gradient-x-input, gradcam, occlusion, occlusion-nt, integrated-gradients, shap,
 * kernel-shap: positive = this pixel, as drawn, raises the score); 0 for sensitivity maps
 * (gradient, guided, deconvnet, smoothgrad, smoothgrad-guided, guided-gradcam), whose sign
 * is the direction a pixel's brightness should move, so that their importance is the
 * magnitude: on white-background images a drawn bar that supports the score usually has a
 * negative gradient. Rankings of nucleotides (faithfulness, motifs) use |value| for those. */
int mrl_explain_method_is_contribution(int method);
/* The family a method belongs to (a static string; NULL if out of range): "gradient"
 * (gradient, gradient-x-input, guided, deconvnet, smoothgrad, smoothgrad-guided), "gradcam"
 * (gradcam, guided-gradcam), "occlusion" (occlusion, occlusion-nt), "integrated-gradients",
 * "shap" (shap, kernel-shap). */
const char *mrl_explain_method_family(int method);
/* The method's RECORDED sanity verdict (model-parameter randomisation, Adebayo et al. 2018;
 * MRL_SANITY_PASS): 1 pass, 0 fail, -1 no such method; *why (may be NULL) gets a static
 * line with the numbers. Recorded for the shipped default model (models/default.mrlm) by
 * `MODEL=models/default.mrlm ONLY_DEFAULT=1 bash experiments/findings.sh ../shared DIR`
 * (docs/FINDINGS.md, sections 0a and 0): a property of that model, not a measurement of
 * the model at hand (mrl_sanity_run measures; `mirlens explain --sanity`). */
int mrl_explain_method_sanity(int method, const char **why);

typedef struct mrl_explain_opts {
    int method;       /* enum mrl_explain_method (default integrated-gradients) */
    int target;       /* class whose logit is explained (default 1, pre-miRNA) */
    int samples;      /* SmoothGrad noisy copies, SHAP samples (default 50) */
    float noise;      /* SmoothGrad sigma as a fraction of the input range (default 0.15) */
    int steps;        /* integrated-gradients steps, midpoint rule (default 64) */
    int kshap_samples; /* kernel-shap coalitions, drawn in complementary pairs (default 1024) */
    int layer;        /* Grad-CAM layer (a conv or ReLU); -1 = the last conv block, i.e. the
                         ReLU after the last convolution (default -1) */
    int patch_h, patch_w, stride; /* occlusion patch and stride in pixels (default 5x5, 2) */
    int batch;        /* images per engine pass (default 64) */
    uint64_t seed;    /* default 1 */
    const float *background; /* SHAP background images (n_background,C,H,W), normalised,
                                borrowed; NULL = the white image alone (default) */
    size_t n_background;
    const float *logits; /* (n,K) logits of the call's n images as this model's forward pass
                            gives them (e.g. mrl_batch_t.logit), borrowed, or NULL (default):
                            computed, one more pass per image. They give info score and prob
                            and the score occlusion and kernel-shap measure drops from: the
                            same bits either way (an image's logits never depend on its
                            batch). gradient, gradient-x-input, guided and deconvnet read
                            them off their own pass and ignore these. */
} mrl_explain_opts_t;

void mrl_explain_opts_default(mrl_explain_opts_t *o);

/* What came with one map. ref and gap are NaN where the method has no reference. */
typedef struct mrl_explain_info {
    float score; /* target logit of the image */
    float prob;  /* softmax probability of the target class */
    float ref;   /* reference score: f(white) for integrated-gradients and kernel-shap,
                    mean f(background) for shap */
    float total; /* sum of the whole map */
    float gap;   /* completeness / efficiency gap: total - (score - ref) */
} mrl_explain_info_t;

/* Explain n images x (N,C,H,W) (normalised, as mrl_model_normalize makes them) with the
 * method of o (NULL = defaults). nn must be a context made for m. maps (N,C,H,W) receives
 * the attribution maps; info (n entries) may be NULL. Noisy copies, IG steps and samples
 * run through the engine in batches of o->batch with weight gradients off.
 * Returns 0, MRL_ERR_ARG (bad options, a target or layer the model lacks, a model without
 * >= 2 logits), MRL_ERR_NOMEM, or an engine error. */
MRL_MUST_CHECK int mrl_explain(mrl_nn_t *nn, const mrl_model_t *m, const float *x, size_t n,
                               const mrl_explain_opts_t *o, float *maps,
                               mrl_explain_info_t *info);

/* Sum over channels: maps (N,C,H,W) -> out (N,H,W). */
void mrl_explain_channel_sum(const float *maps, size_t n, int c, int h, int w, float *out);

/* Structural context of a nucleotide in a dot-bracket structure. */
enum mrl_context {
    MRL_CTX_STEM = 0,      /* paired */
    MRL_CTX_BULGE,         /* unpaired, in a loop closed by two pairs, on one side only */
    MRL_CTX_INTERIOR,      /* unpaired, interior loop (unpaired bases on both sides) */
    MRL_CTX_TERMINAL_LOOP, /* unpaired, hairpin loop (no pair inside) */
    MRL_CTX_MULTILOOP,     /* unpaired, loop with >= 2 branches inside its closing pair */
    MRL_CTX_FLANK5,        /* unpaired, 5' of the first pair */
    MRL_CTX_FLANK3,        /* unpaired, 3' of the last pair */
    MRL_CTX_EXTERIOR       /* unpaired, between two top-level helices */
};

/* "stem", "bulge", "interior-loop", "terminal-loop", "multiloop", "flank5", "flank3",
 * "exterior"; "?" if out of range. */
const char *mrl_context_name(int ctx);

/* Partners (0-based, -1 when unpaired) and contexts (enum mrl_context) of the n positions
 * of a dot-bracket structure. Returns 0 or MRL_ERR_ARG (unbalanced brackets, another
 * character). partner and context are caller-owned arrays of n entries. The pipeline
 * computes them once per record with the fold (mrl_fe_item_t.partner, .context); the
 * functions below take them from there (src/fold/structure.c). */
MRL_MUST_CHECK int mrl_explain_structure(const char *structure, size_t n, int *partner,
                                         uint8_t *context);

/* Per-nucleotide attribution: attr[p] = sum of map (25,100) over the pixels of p's bars
 * (mrl_encode_pixel_pos; a loop base drawn twice gets both bars). Positions not drawn
 * (dropped by the walk, beyond column 99) get 0 and npx 0. attr and npx (may be NULL) are
 * caller arrays of n entries, n = the sequence length. */
void mrl_explain_nucleotides(const mrl_hairpin_t *h, const float *map, size_t n, float *attr,
                             int *npx);

/* Write a float32 array as a NumPy .npy file (format 1.0, little-endian '<f4', C order),
 * atomically (src/io/npy.c). ndim 1..4. Returns 0, MRL_ERR_ARG or MRL_ERR_IO. */
MRL_MUST_CHECK int mrl_npy_write(const char *path, const float *data, int ndim,
                                 const size_t *shape);

/* ------------------------------------------------------------ faithfulness -- */

/* How a nucleotide is taken out of its hairpin image (faithfulness curves). */
enum mrl_mask_mode {
    MRL_MASK_WHITE = 0, /* its bars are erased to white (the reference every method uses) */
    MRL_MASK_N = 1      /* the image is redrawn with the base replaced by N, same structure:
                           black bars of the length the encoder gives an N */
};

/* Image of hairpin h (drawn by mrl_encode_hairpin from seq/structure, n letters) with every
 * position p where mask[p] != 0 masked; rgb_out receives (25,100,3). MRL_MASK_WHITE needs
 * only h (seq and structure may be NULL); MRL_MASK_N redraws from seq/structure. Masking
 * no position gives h->rgb exactly. Returns 0, MRL_ERR_ARG or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_encode_masked(const mrl_hairpin_t *h, const char *seq,
                                     const char *structure, size_t n, const uint8_t *mask,
                                     int mode, uint8_t *rgb_out);

/* Deletion and insertion curves (Petsiuk et al. 2018, RISE; Samek et al. 2017) over
 * nucleotides: the drawn positions (those with a bar in a column < used) are ordered by
 * attribution, highest first (ties: lower position first); point k of steps+1 removes
 * (deletion, from the full image) or restores (insertion, from the image with every drawn
 * position masked) the first round(k * n_drawn / steps) of them and records the softmax
 * probability of the target class. The baseline is the same for random orderings. */
typedef struct mrl_faith_opts {
    int steps;     /* curve resolution (default 20: 0%, 5%, ..., 100% of the nucleotides) */
    int mask;      /* enum mrl_mask_mode (default MRL_MASK_WHITE) */
    int n_random;  /* random orderings averaged for the baseline (default 8; 0 = none) */
    int target;    /* class whose probability is followed (default 1) */
    int batch;     /* images per inference pass (default 128) */
    uint64_t seed; /* random orderings from PCG32(seed, stream = index) (default 1) */
} mrl_faith_opts_t;

void mrl_faith_opts_default(mrl_faith_opts_t *o);

/* Curves of one sequence: h its hairpin (from seq/structure, n letters), attr its n
 * nucleotide attributions (mrl_explain_nucleotides), index the stream of its random
 * orderings. curves receives 4 x (steps+1) floats: deletion, insertion, random deletion,
 * random insertion (the random rows are NaN when n_random = 0); auc (may be NULL) their 4
 * areas (mrl_curve_auc). Returns 0, MRL_ERR_ARG (nothing drawn, bad options), MRL_ERR_NOMEM
 * or an engine error. */
MRL_MUST_CHECK int mrl_faith_curves(mrl_nn_t *nn, const mrl_model_t *m, const mrl_hairpin_t *h,
                                    const char *seq, const char *structure, size_t n,
                                    const float *attr, long index, const mrl_faith_opts_t *o,
                                    float *curves, double auc[4]);

/* Trapezoid area under y[0..steps] at x = k / steps (steps >= 1). */
double mrl_curve_auc(const float *y, int steps);

/* The curves of hairpin h for method's 2-D map map2d (H,W) (e.g. the channel sum of the
 * method's (3,H,W) map): the map read out per nucleotide (mrl_explain_nucleotides),
 * ranked by value for a contribution method (mrl_explain_method_is_contribution) and by
 * magnitude otherwise, then mrl_faith_curves. curves (4, steps+1), auc[4] as there. */
MRL_MUST_CHECK int mrl_faith_hairpin(mrl_nn_t *nn, const mrl_model_t *m, const mrl_hairpin_t *h,
                                     const char *seq, const char *structure, size_t n,
                                     int method, const float *map2d, long index,
                                     const mrl_faith_opts_t *o, float *curves, double auc[4]);

/* Faithfulness over a set, per method: sums of the hairpins' curves and AUCs, over all
 * hairpins (subset 0) and those called pre-miRNA (subset 1); divide by count for means. */
typedef struct mrl_faith_sum {
    int n_methods, steps;
    double *curve; /* (n_methods, 2 subsets, 4 curves, steps+1) */
    double *auc;   /* (n_methods, 2, 4) */
    long *count;   /* (n_methods, 2) hairpins summed */
} mrl_faith_sum_t;

/* Zeroed sums for n_methods methods of curves of `steps` steps. Returns 0 or
 * MRL_ERR_NOMEM / MRL_ERR_ARG; release with mrl_faith_sum_release. */
MRL_MUST_CHECK int mrl_faith_sum_init(mrl_faith_sum_t *s, int n_methods, int steps);
void mrl_faith_sum_release(mrl_faith_sum_t *s);
/* Add hairpin curves (4, steps+1) and auc[4] of method j: to subset 0, and to subset 1 if
 * called (the model called the hairpin pre-miRNA). */
void mrl_faith_sum_add(mrl_faith_sum_t *s, int j, int called, const float *curves,
                       const double auc[4]);

/* ----------------------------------------------------------- sanity checks -- */

/* Model-parameter randomisation test (Adebayo et al. 2018). */

/* Deep copy of m: architecture, parameters and metadata (not gradients or Adam state).
 * Caller frees with mrl_model_free. Returns 0 or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_model_clone(mrl_model_t **out, const mrl_model_t *m);
/* Layers with parameters (conv, dense), from the output down, into layers[] (room for
 * MRL_NN_MAX_LAYERS); returns how many. Cascading randomisation re-draws them in this
 * order. */
int mrl_model_param_layers(const mrl_model_t *m, int *layers);
/* Re-draw the weights of `layer` as mrl_model_new initialises them (Glorot uniform from
 * PCG32(seed, stream = 1 + layer)), biases to zero, and touch the model. Returns 0 or
 * MRL_ERR_ARG (a layer without parameters, out of range). */
MRL_MUST_CHECK int mrl_model_randomize_layer(mrl_model_t *m, int layer, uint64_t seed);
/* The cascade re-draws layers with seed (the explain options' seed) + this offset. */
#define MRL_SANITY_SEED_OFFSET 1000003
/* Every layer with parameters of m re-drawn (mrl_model_randomize_layer) with seed +
 * MRL_SANITY_SEED_OFFSET: the sanity cascade's last step, "all layers random", the control
 * network for attribution magnitudes. Returns 0 or MRL_ERR_ARG. */
MRL_MUST_CHECK int mrl_model_randomize_all(mrl_model_t *m, uint64_t seed);

/* Spearman rank correlation of a and b (n values; ties get their mean rank), in double.
 * NaN when n < 2 or either is constant. */
double mrl_spearman(const float *a, const float *b, size_t n);

/* Similarity of two sets of maps (n,c,h,w): per image, the Spearman correlation of the
 * channel sums (h,w) of a and b, signed values (rho_signed[k]) and absolute values
 * (rho_abs[k]); either output may be NULL. Returns 0 or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_maps_rank_corr(const float *a, const float *b, size_t n, int c, int h,
                                      int w, double *rho_signed, double *rho_abs);

/* The whole test as one run. A method passes when the mean |signed rank correlation| of its
 * maps with the original ones over the cascade falls below MRL_SANITY_PASS and, given a
 * shuffled-label model, its maps from that model correlate below it too. */
#define MRL_SANITY_PASS 0.5

typedef struct mrl_sanity_opts {
    const int *methods;      /* enum mrl_explain_method, n_methods of them */
    int n_methods;
    mrl_explain_opts_t ex;   /* the explainer's options (method set per method); the
                              * re-draws use seed ex.seed + MRL_SANITY_SEED_OFFSET */
    mrl_model_t *shuffled;   /* optional: a network trained on permuted labels (borrowed) */
    mrl_nn_opts_t nn;        /* contexts of the randomised and shuffled networks */
    void (*progress)(void *ctx, int done, int total); /* after each step; may be NULL */
    void *progress_ctx;
} mrl_sanity_opts_t;

void mrl_sanity_opts_default(mrl_sanity_opts_t *o);

/* Result of a run (release with mrl_sanity_release). Column 0 of rho is the original
 * network (1 by definition), column s in 1..L the network with layers[0..s) re-drawn
 * (from the output down), column L+1 the shuffled-label network (NAN without one). */
typedef struct mrl_sanity {
    int n_methods, L;
    int layers[MRL_NN_MAX_LAYERS]; /* as mrl_model_param_layers gives them */
    int layer_kind[MRL_NN_MAX_LAYERS]; /* enum mrl_layer_kind of each of layers */
    double *rho_s, *rho_a;         /* (n_methods, L+2) mean signed / absolute Spearman rho */
    int have_shuffled;
    size_t n;                      /* images */
    float *maps;                   /* (n_methods, n, C, H, W) the original maps */
} mrl_sanity_t;

/* Run the test for n images x (N,C,H,W) (normalised for m) explained through nn (m's
 * context; m is cloned for the cascade, never changed). Returns 0, MRL_ERR_ARG,
 * MRL_ERR_NOMEM or an explainer's error; *s is empty on error. */
MRL_MUST_CHECK int mrl_sanity_run(mrl_nn_t *nn, const mrl_model_t *m, const float *x, size_t n,
                                  const mrl_sanity_opts_t *o, mrl_sanity_t *s);
void mrl_sanity_release(mrl_sanity_t *s);
/* Mean |rho_s| of method j over the cascade columns 1..L (NAN steps skipped). */
double mrl_sanity_cascade_mean(const mrl_sanity_t *s, int j);
/* Method j's verdict: 1 pass, 0 fail, -1 no result. */
int mrl_sanity_verdict(const mrl_sanity_t *s, int j);

/* ------------------------------------------------------------- aggregation -- */

/* Mature miRNA positions (miRBase 21 mature_positions.tsv[.gz]: hairpin_id, hairpin_acc,
 * mature_id, mature_acc, start_1based, end_1based, arm_by_position, hairpin_len, match). */
typedef struct mrl_mature_tab mrl_mature_tab_t;

/* Load the table (plain or gzip). Rows are checked (columns, numbers, start <= end <=
 * hairpin_len, arm 5p/3p); the message names file and line. Caller frees. */
MRL_MUST_CHECK int mrl_mature_load(mrl_mature_tab_t **out, const char *path);
void mrl_mature_free(mrl_mature_tab_t *t);
/* Mature ranges of a hairpin named id (hairpin ID, case-insensitive, or MI accession):
 * range = {start5p, end5p, start3p, end3p}, 0-based inclusive, -1 for an arm without an
 * annotated mature (the first "name+seq" row of an arm wins, else its first row), and the
 * hairpin length in *len (may be NULL). Returns 1 found, 0 not found. */
int mrl_mature_find(const mrl_mature_tab_t *t, const char *id, int range[4], int *len);

/* Regions of a pre-miRNA around its miRNA duplex. */
enum mrl_region {
    MRL_REG_MATURE5 = 0, /* the 5p strand of the duplex */
    MRL_REG_MATURE3,     /* the 3p strand of the duplex */
    MRL_REG_LOOP,        /* between the two strands: upper stem and terminal loop */
    MRL_REG_BASAL,       /* the basal stem: MRL_BASAL_NT nt beyond each outer duplex end */
    MRL_REG_FLANK,       /* everything further out */
    MRL_NREGIONS
};
#define MRL_BASAL_NT 11 /* one helical turn below the Drosha cut (Han et al. 2006) */

/* "mature5p", "mature3p", "loop", "basal-stem", "flank"; "?" out of range. */
const char *mrl_region_name(int r);

/* The duplex of a hairpin (partner: mrl_explain_structure) from its annotated matures
 * (range as mrl_mature_find gives it): an arm without an annotation is inferred from the
 * other through the pairs, with the 2-nt 3' overhangs of a Dicer product (a[0] pairs
 * with b[1]-2, a[1]-2 with b[0]). duplex = {s5, e5, s3, e3}, 0-based inclusive; region
 * (n entries, may be NULL) gets each position's enum mrl_region. Returns 0, or
 * MRL_ERR_REFUSED when no duplex can be placed (no annotation, unpaired arm, crossing). */
MRL_MUST_CHECK int mrl_duplex_regions(const int *partner, size_t n, const int range[4],
                                      int duplex[4], uint8_t *region);

/* Outcome groups of a labelled prediction. */
enum mrl_outcome { MRL_OUT_TP = 0, MRL_OUT_TN, MRL_OUT_FP, MRL_OUT_FN, MRL_NOUTCOMES };
/* "TP", "TN", "FP", "FN". */
const char *mrl_outcome_name(int g);
/* Group of label (1/0) and the positive-class probability prob at threshold. */
int mrl_outcome_of(int label, float prob, float threshold);

/* Sums over attribution maps of a set, by outcome group. Every image's map is first
 * divided by the sum of its absolute values (pixels for the pixel statistics, drawn
 * nucleotides for the nucleotide ones), so each image weighs the same and a category's
 * summed |share| over images / n images is its mean share of the attribution.
 * A bin holds: n (pixels, columns or nucleotides counted), frac (sum over images of the
 * fraction of that image's drawn nucleotides in the bin), sum (signed shares), sum_abs. */
typedef struct mrl_agg_bin {
    double n, frac, sum, sum_abs;
} mrl_agg_bin_t;

#define MRL_AGG_NDIST 100 /* distances from the terminal loop, 0..99 */
#define MRL_AGG_NBASE 5   /* A C G U, other */
#define MRL_AGG_NPAIR 8   /* unpaired, AU UA GC CG GU UG, other pair */
#define MRL_AGG_NCTX 8    /* enum mrl_context */
#define MRL_AGG_NCUT 4    /* Drosha 5p, Dicer 5p, Dicer 3p, Drosha 3p */
#define MRL_AGG_CUT_W 10  /* offsets -10..+10 around a cut */
#define MRL_AGG_KMER 3
#define MRL_AGG_NKMER 64
#define MRL_AGG_TOP 0.10  /* motif windows: the top 10% by attribution in each sequence */
#define MRL_AGG_NEAR_LOOP 10 /* "near the apical loop": within 10 nt of the loop's pair */
#define MRL_AGG_NLOOP 7      /* terminal loop sizes 3-4, 5-6, 7-8, 9-10, 11-14, 15-20, 21+ nt */

typedef struct mrl_agg {
    int rank_abs; /* set by the caller: motif windows ranked by |share| (sensitivity maps,
                     see mrl_explain_method_is_contribution) instead of the signed share */
    long n_img[MRL_NOUTCOMES];    /* images added */
    long n_seq[MRL_NOUTCOMES];    /* of them with sequence and structure */
    long n_duplex[MRL_NOUTCOMES]; /* of them with a placed miRNA duplex */
    double map_sum[MRL_NOUTCOMES][MRL_IMG_H * MRL_IMG_W]; /* signed shares per pixel */
    double map_abs[MRL_NOUTCOMES][MRL_IMG_H * MRL_IMG_W];
    /* image columns (distance from the loop in the drawing), top (5') / bottom (3') half */
    mrl_agg_bin_t col[MRL_NOUTCOMES][2][MRL_IMG_W];
    /* nucleotides by distance in nt from the terminal loop's closing pair: 5' arm (1 = the
     * closing base), loop (position in the loop, 1-based from its 5' side), 3' arm */
    mrl_agg_bin_t dist[MRL_NOUTCOMES][3][MRL_AGG_NDIST];
    mrl_agg_bin_t ctx[MRL_NOUTCOMES][MRL_AGG_NCTX];
    mrl_agg_bin_t base[MRL_NOUTCOMES][MRL_AGG_NBASE];
    mrl_agg_bin_t pair[MRL_NOUTCOMES][MRL_AGG_NPAIR];
    mrl_agg_bin_t region[MRL_NOUTCOMES][MRL_NREGIONS];
    mrl_agg_bin_t cut[MRL_NOUTCOMES][MRL_AGG_NCUT][2 * MRL_AGG_CUT_W + 1];
    /* hairpins by the size of their terminal loop (mrl_agg_loop_bin): n hairpins, frac = the
     * loop's share of the drawn nucleotides, sum / sum_abs = its share of the attribution */
    mrl_agg_bin_t loop[MRL_NOUTCOMES][MRL_AGG_NLOOP];
    /* 3-mer windows (all drawn, ACGU): [scope 0 = everywhere, 1 = near the apical loop]:
     * occurrences, occurrences among the sequence's top windows, the expectation and
     * variance of that count under a uniform choice of top windows (hypergeometric per
     * sequence: K windows of the k-mer among N, the top fraction f: K f and
     * K f (1 - f) (N - K) / (N - 1)); "near the loop" uses the top windows among its own */
    double kmer_occ[MRL_NOUTCOMES][2][MRL_AGG_NKMER], kmer_top[MRL_NOUTCOMES][2][MRL_AGG_NKMER];
    double kmer_exp[MRL_NOUTCOMES][2][MRL_AGG_NKMER], kmer_var[MRL_NOUTCOMES][2][MRL_AGG_NKMER];
} mrl_agg_t;

/* "A" "C" "G" "U" "other"; pair names "unpaired" "AU" "UA" "GC" "CG" "GU" "UG" "other";
 * cut names "drosha-5p" "dicer-5p" "dicer-3p" "drosha-3p"; k-mer k as "ACG"-style text
 * into buf[4]. */
const char *mrl_agg_base_name(int b);
const char *mrl_agg_pair_name(int p);
const char *mrl_agg_cut_name(int c);
char *mrl_agg_kmer_str(int k, char buf[4]);
/* Bin of a terminal loop of len nt (0..MRL_AGG_NLOOP-1) and its name ("3-4", ..., "21+"). */
int mrl_agg_loop_bin(int len);
const char *mrl_agg_loop_name(int bin);

/* Zero an accumulator (it is plain data: allocate it with calloc, it is large). */
void mrl_agg_clear(mrl_agg_t *a);
/* Add one image's (H,W) map (channel sum) to group g. used: drawn columns (MRL_IMG_W for
 * an image without a column map). */
void mrl_agg_add_map(mrl_agg_t *a, int g, const float *map2d, int used);
/* Add one sequence's nucleotide attributions (attr, n entries, mrl_explain_nucleotides of
 * the same map) to group g: partner and context its fold's pair table and contexts (n
 * entries each, mrl_explain_structure, e.g. mrl_fe_item_t's), h its hairpin, duplex its
 * miRNA duplex (mrl_duplex_regions) or NULL. Returns 0, MRL_ERR_ARG (a NULL argument, a
 * group out of range) or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_agg_add_seq(mrl_agg_t *a, int g, const char *seq, const int *partner,
                                   const uint8_t *context, size_t n, const mrl_hairpin_t *h,
                                   const float *attr, const int *duplex);
/* Motif statistics of k-mer k in group g and scope: enrichment (top / expected) and the
 * z-score (top - expected) / sqrt(variance); NaN where nothing was counted. */
void mrl_agg_kmer_stats(const mrl_agg_t *a, int g, int scope, int k, double *enrich, double *z);

/* One hairpin's category sums, the rows of categories.tsv in one array: contexts, bases,
 * pair types, then duplex regions (zero without a duplex). */
#define MRL_AGG_CAT_CTX 0
#define MRL_AGG_CAT_BASE (MRL_AGG_CAT_CTX + MRL_AGG_NCTX)
#define MRL_AGG_CAT_PAIR (MRL_AGG_CAT_BASE + MRL_AGG_NBASE)
#define MRL_AGG_CAT_REGION (MRL_AGG_CAT_PAIR + MRL_AGG_NPAIR)
#define MRL_AGG_NCAT (MRL_AGG_CAT_REGION + MRL_NREGIONS) /* 26 */
/* Table ("context", "base", "pair", "region") and category name (as categories.tsv writes
 * them) of category index c; "?" out of range. */
const char *mrl_agg_cat_table(int c);
const char *mrl_agg_cat_name(int c);
/* The category bins of one hairpin (arguments as mrl_agg_add_seq): cat[c] gets n (drawn
 * nt in c), frac (their fraction of the drawn nt), sum and sum_abs (their signed and
 * absolute shares of the hairpin's |attribution|). mrl_agg_add_seq adds exactly these sums
 * into its ctx, base, pair and region bins, so a table's sums are the sums of its hairpins'
 * (in the order added). Returns 0, MRL_ERR_ARG or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_agg_seq_cats(const char *seq, const int *partner, const uint8_t *context,
                                    size_t n, const mrl_hairpin_t *h, const float *attr,
                                    const int *duplex, mrl_agg_bin_t cat[MRL_AGG_NCAT]);

/* Percentile bootstrap 95% intervals over hairpins (Efron & Tibshirani 1993) of one
 * category's statistics, as categories.tsv reports them: share = sum |share| / hairpins,
 * enrichment = sum |share| / sum nucleotide share. */
typedef struct mrl_agg_ci {
    double share_lo, share_hi;   /* network x's share of |attribution| */
    double enrich_lo, enrich_hi; /* network x's enrichment */
    double y_enrich_lo, y_enrich_hi; /* network y's enrichment (NaN without y) */
    double diff_lo, diff_hi;     /* x's enrichment - y's, paired (NaN without y) */
} mrl_agg_ci_t;
#define MRL_AGG_BOOT_MIN 10 /* hairpins with a category's nucleotides for its enrichment's
                               interval (the set report; detmass's min_n default alike) */
/* Intervals of categories [c0, c1) over the H hairpins idx[0..H) of x (rows of
 * MRL_AGG_NCAT bins, hairpin h at x + h * stride, stride >= MRL_AGG_NCAT) and, when y is
 * not NULL, of the same hairpins under a second network (y + h * stride). Each of n_boot
 * resamples draws H hairpins with replacement, idx[mrl_rng_below(rng, H)] in turn, sums
 * them in the order drawn, and serves every category and both networks (paired). An
 * interval is the 2.5 and 97.5 percentiles (sorted values v[floor(0.025 (k - 1))],
 * v[ceil(0.975 (k - 1))] of the k finite ones; NaN when none). A category drawn (frac > 0)
 * in fewer than min_h of the H hairpins gets NaN enrichment and difference intervals (a
 * resample that misses it has no enrichment, so the others would fake precision); its
 * share interval stays. ci[c - c0] gets category c's. Returns 0, MRL_ERR_ARG (H or n_boot
 * < 1, a bad range) or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_agg_boot(const mrl_agg_bin_t *x, const mrl_agg_bin_t *y, size_t stride,
                                const size_t *idx, size_t H, int c0, int c1, int n_boot,
                                int min_h, mrl_rng_t *rng, mrl_agg_ci_t *ci);

/* ------------------------------------------------------- explaining a set -- */

/* A labelled set explained in one pass (src/explain/set.c; `mirlens explain --aggregate`
 * and `--sanity`): the records are folded, drawn and scored by the pipeline a chunk at a
 * time (mrl_pipeline_run), explained with every method on the pipeline's images and
 * logits, and summed: mean maps, profiles and shares by outcome group (mrl_agg_t), with the
 * miRNA duplex of each positive found in a mature table; deletion and insertion curves of
 * evenly spaced records (mrl_faith_sum_t); the first records of each outcome group kept as
 * examples; an evenly spaced subset kept for the sanity checks (mrl_sanity_run), run on all
 * of it at the end. The set holds its records (input) and what the run found (output);
 * mrl_report_set_write renders it. */

typedef struct mrl_ensemble mrl_ensemble_t; /* the scorer (pipeline section, below) */

#define MRL_EXPLAIN_SET_MAX_EXAMPLES 64 /* examples kept per outcome group at most */

typedef struct mrl_explain_set_opts {
    const int *methods;    /* enum mrl_explain_method, n_methods of them (borrowed); NULL
                              (default): ex.method alone */
    int n_methods;
    mrl_explain_opts_t ex; /* the explainer's options (method and logits set per call);
                              target and seed serve the faithfulness curves too */
    int aggregate;         /* 1 (default): statistics, faithfulness and examples over every
                              record, and the sanity checks on sanity_n of them; 0: only the
                              sanity checks, on sanity_n records evenly spaced over the set
                              (the run drops the others from the set) */
    float threshold;       /* P(pre-miRNA) >= threshold calls a pre-miRNA: outcome groups,
                              the faithfulness subset "called" (default MRL_DEFAULT_THRESHOLD) */
    int faith_n;           /* records given faithfulness curves, evenly spaced (default 100;
                              0: none) */
    int faith_steps;       /* mrl_faith_opts_t.steps (default 20) */
    int faith_random;      /* mrl_faith_opts_t.n_random (default 4) */
    int mask;              /* mrl_faith_opts_t.mask (default MRL_MASK_WHITE) */
    int sanity_n;          /* images for the sanity checks, evenly spaced (default 0) */
    mrl_model_t *shuffled; /* a network trained on shuffled labels for the sanity checks
                              (borrowed), or NULL (default) */
    mrl_nn_opts_t nn;      /* contexts of the sanity checks' networks (mrl_nn_opts_default) */
    int examples;          /* records kept per outcome group, the first met (default 3; at
                              most MRL_EXPLAIN_SET_MAX_EXAMPLES) */
    const mrl_mature_tab_t *mature; /* mature positions (borrowed) or NULL (default): the
                              duplex of positives, found by id or MI accession */
    int fold_threads;      /* fold + draw workers (default 1, as mrl_fe_opts_default) */
    int random_net;        /* 1: every hairpin also explained by the network with every layer
                              re-drawn (mrl_model_randomize_all, seed ex.seed; the cascade's
                              last step), summed apart (agg_random) in the model's outcome
                              groups: the control of the category tables (default 0) */
    int n_boot;            /* bootstrap resamples of the category tables' intervals (default
                              mrl_detmass_opts_default's; 0: none) */
    uint64_t boot_seed;    /* their generator (default mrl_detmass_opts_default's) */
    void (*progress)(void *ctx, int stage, long done, long total); /* after each chunk
                              (stage 0: records) and each sanity step (stage 1); may be NULL */
    void *progress_ctx;
} mrl_explain_set_opts_t;

void mrl_explain_set_opts_default(mrl_explain_set_opts_t *o);

/* One record of a set: a sequence (FASTA) or an image. */
typedef struct mrl_explain_rec {
    char *id;           /* name (owned) */
    char acc[24];       /* first word of the FASTA description when it is an MI accession
                           (the mature table's second key), else "" */
    char *seq;          /* the sequence (owned), NULL for an image */
    size_t len;         /* letters of seq */
    const uint8_t *rgb; /* an image's picture (MRL_IMG_BYTES, borrowed), NULL for a sequence */
    int label;          /* 1 pre-miRNA, 0 other, -1 unknown */
    /* what the run found: */
    int refused;        /* 1: its fold has no hairpin loop; not explained */
    float prob;         /* P(pre-miRNA); NAN when not explained */
    int group;          /* enum mrl_outcome; -1 unlabelled or not explained */
    int duplex[4];      /* its miRNA duplex {s5, e5, s3, e3}, 0-based inclusive; all -1 when
                           none was placed (no mature positions, not a positive, unpaired) */
    double *faith_auc;  /* (n_methods, 4) areas of its faithfulness curves (mrl_faith_curves'
                           auc) when among the faith_n records, else NULL (owned) */
} mrl_explain_rec_t;

/* An example kept for pages: a record as the pipeline saw it and every method's map. */
typedef struct mrl_explain_example {
    size_t rec;         /* its record (index into mrl_explain_set_t.rec) */
    int mfe;            /* dcal/mol */
    char *structure;    /* (len + 1) dot-bracket (owned) */
    int *partner;       /* (len) pair table (owned) */
    uint8_t *context;   /* (len) enum mrl_context (owned) */
    mrl_hairpin_t hp;   /* its image and column map */
    float *map2d;       /* (n_methods, H, W) each method's map summed over channels (owned) */
} mrl_explain_example_t;

typedef struct mrl_explain_set {
    size_t n, cap;          /* records */
    mrl_explain_rec_t *rec; /* (n) in input order */
    /* what mrl_explain_set_run found: */
    mrl_explain_set_opts_t opts; /* the run's options (methods points at `methods`; the other
                                    pointers as the caller gave them) */
    int methods[MRL_EXPLAIN_NMETHODS];
    long n_done, n_refused; /* records explained; refused (no hairpin loop) */
    long n_duplex, n_faith; /* of them with a duplex placed; given faithfulness curves */
    mrl_agg_t *agg;         /* (n_methods) sums by outcome group (aggregate), else NULL */
    mrl_agg_t *agg_random;  /* (n_methods) the same for the random network (random_net) */
    int n_nets;             /* networks summed: 1, or 2 with random_net (aggregate) */
    mrl_agg_bin_t *cats;    /* (n, n_nets, n_methods, MRL_AGG_NCAT) each record's category
                               bins (mrl_agg_seq_cats; zero where not explained or without
                               a sequence), for the intervals and aggregate/hairpins.tsv */
    mrl_agg_ci_t *ci;       /* (n_methods, MRL_NOUTCOMES, MRL_AGG_NCAT) the categories'
                               intervals (x the model, y the random network), n_boot
                               resamples of the group's hairpins with a sequence (with a
                               duplex for the regions), min_h MRL_AGG_BOOT_MIN, the same
                               resamples for every method: generator mrl_rng_init(boot_seed,
                               stream 2 g) for contexts, bases and pairs, 2 g + 1 for the
                               regions; NULL with n_boot 0 or without sequences */
    mrl_faith_sum_t faith;  /* faithfulness sums over the n_faith records */
    mrl_sanity_t sanity;    /* the sanity checks on sanity.n images; empty when not run */
    mrl_explain_example_t *ex; /* (n_ex) examples in the order met */
    size_t n_ex;
    double seconds[3];      /* time spent explaining, on faithfulness, on the sanity checks */
} mrl_explain_set_t;

/* An empty set (a zeroed struct is one too). Release with mrl_explain_set_release, which
 * frees the records and the results. */
void mrl_explain_set_init(mrl_explain_set_t *s);
void mrl_explain_set_release(mrl_explain_set_t *s);
/* Append the records of a FASTA file (o: NULL = defaults) with label (1, 0 or -1). Returns
 * 0, or the reader's error naming the file and record (the records read before it stay),
 * MRL_ERR_ARG if s holds images. */
MRL_MUST_CHECK int mrl_explain_set_add_fasta(mrl_explain_set_t *s, const char *path, int label,
                                             const mrl_fasta_opts_t *o);
/* Append the images of img (borrowed: it must outlive s), named by img->names or "img<k>"
 * (1-based), labelled by img->labels or -1. Returns 0, MRL_ERR_NOMEM, or MRL_ERR_ARG if s
 * holds sequences. */
MRL_MUST_CHECK int mrl_explain_set_add_images(mrl_explain_set_t *s, const mrl_imageset_t *img);
/* Explain the set with the one model of e (an ensemble of one: its context explains too),
 * options o (NULL = defaults), replacing the results of an earlier run. Every record's
 * results, the sums, the examples and the sanity checks land in s. Returns 0;
 * MRL_ERR_ARG (bad options, no records, an unlabelled record with aggregate, an ensemble
 * of several models); MRL_ERR_REFUSED when no record has a hairpin loop; or the first
 * error of the pipeline, an explainer, the faithfulness curves or the sanity checks (the
 * records' results up to it stay). */
/* The miRNA duplex of record r from the mature table mat (found by id, else accession; its
 * hairpin length must equal r->len) through the fold's pair table partner (NULL: only
 * whether the table places matures on r). duplex (unused with NULL partner) gets {s5, e5,
 * s3, e3} (mrl_duplex_regions), all -1 when not placed. Returns 1 placed, 0 not. */
int mrl_explain_rec_duplex(const mrl_mature_tab_t *mat, const mrl_explain_rec_t *r,
                           const int *partner, int duplex[4]);
MRL_MUST_CHECK int mrl_explain_set_run(mrl_explain_set_t *s, mrl_ensemble_t *e,
                                       const mrl_explain_set_opts_t *o);

/* ======================================================== known determinants == */

/* Known determinants of pre-miRNA processing, each located on one hairpin from its fold and
 * its miRNA duplex (mrl_duplex_regions: {s5, e5, s3, e3}, 0-based inclusive; the Drosha cuts
 * are before s5 and after e3, the Dicer cuts after e5 and before s3). src/explain/
 * determinants.c; docs/findings/determinants.md. Position conventions:
 *  - "-k from the 5p Drosha cut" is s5 - k (-1 = the last nt before the cut); "+k from the
 *    3p Drosha cut" is e3 + k (+1 = the first nt after it);
 *  - the stem is the chain of nested pairs walked outward from the terminal loop's closing
 *    pair: each step takes the next paired position on each side and continues while they
 *    pair with each other; below the 5p Drosha cut a step also needs at most MRL_DET_GAP
 *    unpaired nt on each side (a larger loop, a branch or the sequence's end stops it). Its
 *    last pair is the stem base; its pairs are numbered 1.. from the base (bp index);
 *  - the basal junction is seen (the stem-base determinants are visible) when the walk
 *    stopped at a branch or with more than MRL_DET_GAP unpaired nt beyond the base on at
 *    least one side; a stem that runs into both sequence ends is not seen;
 *  - the terminal loop is the hairpin loop (a pair with nothing paired inside) within
 *    [s5, e3] nearest the middle of the duplex's loop side (e5 + s3) / 2.
 * value is 1/0 for a motif (present or not), else the quantity named below; NaN when not
 * visible or not measurable (no terminal loop inside the duplex). */
enum mrl_det {
    MRL_DET_BASAL_UG,    /* UG at -14/-13 from the 5p Drosha cut (Auyeung et al. 2013);
                            mask -14, -13 */
    MRL_DET_LOWER_STEM,  /* basal (lower) stem ~11 bp below the Drosha cuts (Zeng 2005, Han
                            2006): value = stem pairs 5' of s5, present at 11 +- 2; mask the
                            nt outside the cuts down to the stem base */
    MRL_DET_MGHG,        /* mismatched GHG in the lower stem (Fang & Bartel 2015; Kwon et al.
                            2019): G, H (not G, unpaired), G starting at +5..+8 on the 3p
                            strand; mask +5..+10 */
    MRL_DET_UPPER_STEM,  /* upper stem ~22 bp, Drosha cut to the apical loop: value = pairs
                            (i, j) with s5 <= i, j <= e3 outside the terminal loop, present
                            at 22 +- 2; mask [s5, e3] less the loop */
    MRL_DET_STEM_LENGTH, /* total stem 35 +- 1 bp (Fang & Bartel 2015; 36 +- 3, Roden 2017):
                            value = the stem's pairs, base to loop; mask lower + upper */
    MRL_DET_BULGE_FREE1, /* bulge-depleted zone ~16-21 nt from the stem base (Roden 2017):
                            bp index 16..21; value = unpaired nt between those pairs,
                            present when 0; mask both strands from pair 16 to 21 */
    MRL_DET_BULGE_FREE2, /* bulge-depleted zone ~28-32 nt from the stem base (Roden 2017):
                            bp index 28..32, as above */
    MRL_DET_LOOP_SIZE,   /* terminal loop >= 10 nt (Zeng 2005): value = loop nt; mask loop */
    MRL_DET_APICAL_UGU,  /* UGU or GUG in the apical loop (DGCR8): value = occurrences in
                            the loop and 2 nt of stem each side (mask) */
    MRL_DET_CNNC,        /* CNNC at +16..+18 on the 3' flank from the 3p Drosha cut: C at
                            +16, +17 or +18 (Auyeung et al. 2013); mask +16..+21 */
    MRL_DET_DICER_5P,    /* Dicer 5' counting: 5p arm ~21-22 nt from the 5' end (Park et al.
                            2011): value = e5 - s5 + 1, present at 21..22; mask [s5, e5] */
    MRL_DET_DICER_LOOP,  /* Dicer loop counting: cut ~2 nt from the loop (Gu et al. 2012):
                            value = paired nt between the 5p Dicer cut and the first
                            unpaired nt 3' of it, present at 2 +- 1; mask those nt and that
                            unpaired nt */
    MRL_DET_GYM,         /* GYM motif at the Dicer cleavage site (Lee et al. 2023): paired G
                            at -2, paired C/U at -1, unpaired A/C at +1 from the 5p Dicer cut
                            (positions 20-22 of a 21-nt arm); value = conditions met 0..3,
                            present at 3; mask e5-1..e5+1 */
    MRL_DET_GU_STEM,     /* GU wobble pairs in the stem: value = count, present >= 1; mask
                            their nt */
    MRL_DET_MATURE_5U,   /* 5' U of the mature (5p) strand: mask s5 */
    MRL_NDET
};
#define MRL_DET_GAP 3 /* unpaired nt per side a lower-stem step may cross */

typedef struct mrl_det_hit {
    int visible;  /* 1: every position the determinant concerns lies inside the sequence */
    int present;  /* 1: this hairpin has the determinant (0 when not visible) */
    double value; /* the measured quantity (stem bp, loop nt, offset, count...; NaN if none) */
} mrl_det_hit_t;

/* "basal-UG", "lower-stem", "mGHG", "upper-stem", "stem-length", "bulge-free-16-21",
 * "bulge-free-28-32", "loop-size", "apical-UGU", "CNNC", "dicer-5p-counting",
 * "dicer-loop-counting", "GYM", "GU-stem", "mature-5U" (stable); NULL out of range.
 * mrl_det_find maps a name back (case-insensitive), -1 if unknown. */
const char *mrl_det_name(int d);
int mrl_det_find(const char *name);
/* The source to cite ("Auyeung et al. 2013", ...); NULL out of range. */
const char *mrl_det_source(int d);
/* Locate determinant d on one hairpin: seq (n nt, ACGU; T reads as U, case ignored), partner
 * (pair table, -1 unpaired), duplex as above. mask (n entries, may be NULL) gets 1 on the
 * positions the determinant concerns (its site, present or not, as far as it lies inside
 * the sequence), 0 elsewhere. Returns 0, MRL_ERR_ARG (d out of range, a NULL argument,
 * n = 0, a duplex not 0 <= s5 <= e5 < s3 <= e3 < n, a partner table that is not
 * symmetric) or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_det_eval(int d, const char *seq, const int *partner, size_t n,
                                const int duplex[4], uint8_t *mask, mrl_det_hit_t *hit);
/* The terminal loop mrl_det_eval uses: the closing pair of the hairpin loop (nothing paired
 * inside) within [s5, e3] nearest the duplex's loop side (e5 + s3) / 2, into loop[0] <
 * loop[1]. Returns 1, or 0 when there is none (loop unchanged). partner and duplex as
 * mrl_det_eval takes them (checked by it, not here). */
int mrl_det_terminal_loop(const int *partner, const int duplex[4], int loop[2]);
/* 1 when partner (n entries) is a pair table: each entry -1 or another position that pairs
 * back; else 0 with the first bad position in *bad (0-based; may be NULL). */
int mrl_pairtable_ok(const int *partner, size_t n, int *bad);

/* ----------------------------------------- attribution mass on the determinants -- */

/* "Biology by number" (src/explain/detmass.c; `mirlens explain --determinants`): for the
 * positives of a labelled set whose miRNA duplex is placed (mrl_duplex_regions from a
 * mature table, as mrl_explain_set_run places it), folded, drawn and scored by the
 * pipeline, each method's map is read per nucleotide (mrl_explain_nucleotides) and, for
 * each determinant visible and present on the hairpin, the share of the hairpin's
 * |attribution| (over its drawn nt) inside the determinant's mask is compared with its
 * expectation when the mask's drawn positions move to random drawn positions of the same
 * structural context (enum mrl_context; the expectation is computed exactly: per context,
 * mask size x the context's mean |attribution|). Enrichment = mean observed / mean
 * expected over hairpins, with a percentile bootstrap 95% interval (hairpins resampled).
 * The same is computed for the network with every layer re-drawn (the cascade's last step,
 * seed ex.seed + MRL_SANITY_SEED_OFFSET, as mrl_sanity_run draws it) and for an optional control network
 * (e.g. trained on shuffled labels), on the same images; the difference of enrichments
 * (model - random network) gets a paired bootstrap interval: magnitude maps can follow the
 * image's ink, so only that difference is read as the model's. */
enum mrl_detmass_net { MRL_DETNET_MODEL = 0, MRL_DETNET_RANDOM, MRL_DETNET_CONTROL, MRL_DETNETS };
/* With opts.mutagenesis, one more "method": refolding mutagenesis (mrl_mut_run, the 3
 * substitutions of every position refolded, redrawn, re-scored by each network). A
 * position's value is the mean |delta margin| of its scored substitutions (positions with
 * none scored are left out, as undrawn nt are for a map); the mask's share of their sum is
 * compared with the same two expectations, so its enrichment reads like an attribution's:
 * mask mean / context-matched mean (context) or / the all-positions mean (share), pooled
 * over hairpins as sum of shares / sum of expected shares. Its id in mrl_detmass_t.methods
 * is MRL_DETMASS_MUTAGENESIS; mrl_detmass_method_name gives "mutagenesis". */
#define MRL_DETMASS_MUTAGENESIS MRL_EXPLAIN_NMETHODS

typedef struct mrl_detmass_opts {
    const int *methods;     /* enum mrl_explain_method, n_methods of them (borrowed); NULL
                               (default): ex.method alone */
    int n_methods;
    mrl_explain_opts_t ex;  /* explainer options (method set per call) */
    const mrl_mature_tab_t *mature; /* mature positions (borrowed; required) */
    mrl_model_t *control;   /* control network (borrowed) or NULL (default) */
    int random_net;         /* 1 (default): also the fully randomised network */
    mrl_nn_opts_t nn;       /* contexts of the random and control networks */
    int n_boot;             /* bootstrap resamples (default 1000) */
    uint64_t seed;          /* bootstrap generator (default 1) */
    int min_n;              /* fewer hairpins than this: no verdict (default 10) */
    int max_n;              /* positives explained at most, evenly spaced over those with a
                               duplex (default 0 = all) */
    int fold_threads;       /* fold + draw workers (default 1) */
    int mutagenesis;        /* 1: also refolding mutagenesis on every network (default 0:
                               it folds 3n mutants per hairpin and network, about 0.5 s
                               for a 110-nt hairpin) */
    void (*progress)(void *ctx, long done, long total); /* after each chunk; may be NULL */
    void *progress_ctx;
} mrl_detmass_opts_t;

void mrl_detmass_opts_default(mrl_detmass_opts_t *o);

/* Two expectations of a mask's share of |attribution|: its drawn positions moved to random
 * drawn positions of the same structural context (exact mean over such placements), or the
 * mask's share of the drawn nt (what the image's ink alone would give). */
enum mrl_detexp { MRL_DETEXP_CONTEXT = 0, MRL_DETEXP_SHARE, MRL_DETEXPS };

/* The expectation a verdict reads for determinant d: MRL_DETEXP_SHARE for the determinants
 * that are whole regions (lower-stem, upper-stem, stem-length, loop-size,
 * dicer-5p-counting: their mask covers most or all of the contexts it touches, so a
 * context-matched placement hardly moves it; the loop's enrichment would be 1 by
 * construction), MRL_DETEXP_CONTEXT for sites and motifs; -1 out of range.
 * mrl_detexp_name: "context", "share". */
int mrl_detmass_expectation(int d);
const char *mrl_detexp_name(int k);

/* One determinant x method x network. Means over the n hairpins. */
typedef struct mrl_detmass_stat {
    long n;            /* hairpins averaged: visible, present, >= 1 masked nt drawn */
    double observed;   /* mean share of |attribution| inside the mask */
    double expected;   /* mean context-matched expectation of that share */
    double share;      /* mean share of drawn nt inside the mask (the ink's expectation) */
    double observed_signed; /* mean signed attribution inside the mask / sum |attribution| */
    /* by expectation k (enum mrl_detexp): enrichment = sum observed / sum expectation,
     * bootstrap 95% interval; diff = enrich - the random network's, paired bootstrap 95%
     * interval (NaN without the random network, and for the other networks) */
    double enrich[MRL_DETEXPS], lo[MRL_DETEXPS], hi[MRL_DETEXPS];
    double diff[MRL_DETEXPS], diff_lo[MRL_DETEXPS], diff_hi[MRL_DETEXPS];
    /* the model's only: enrich - the control network's, paired bootstrap 95% interval (NaN
     * without a control) */
    double cdiff[MRL_DETEXPS], cdiff_lo[MRL_DETEXPS], cdiff_hi[MRL_DETEXPS];
} mrl_detmass_stat_t;

typedef struct mrl_detmass {
    int n_methods, methods[MRL_EXPLAIN_NMETHODS + 1]; /* enum mrl_explain_method, then
                               MRL_DETMASS_MUTAGENESIS last when it was run */
    int have[MRL_DETNETS];  /* which networks were run */
    long n_records, n_refused, n_positive, n_duplex, n_used; /* records; no hairpin loop;
                               labelled 1; of them with a duplex; explained (max_n) */
    long n_visible[MRL_NDET], n_present[MRL_NDET]; /* among the n_used hairpins */
    mrl_detmass_stat_t *stat; /* (MRL_NDET, n_methods, MRL_DETNETS), owned */
    /* the model's margin (logit 1 - logit 0) on visible hairpins with and without d */
    double margin_with[MRL_NDET], margin_without[MRL_NDET];
    double margin_diff[MRL_NDET], margin_lo[MRL_NDET], margin_hi[MRL_NDET];
    int min_n;
    double seconds;
    long *rec;        /* (n_used) each hairpin's record index in the set (owned) */
    double *mut_mean; /* (n_used, MRL_NDET, MRL_DETNETS, 3) with mutagenesis, else NULL: per
                         hairpin the mean |delta margin| over the mask's positions, its
                         context-matched expectation and the mean over all positions (NaN:
                         not measured) (owned) */
} mrl_detmass_t;

/* Run the analysis on the records of s (its input only: FASTA records with labels; s is
 * not changed) with the one model of e. Returns 0; MRL_ERR_ARG (bad options, no mature
 * table, image records, an ensemble of several models); MRL_ERR_REFUSED (no positive with
 * a placed duplex); or a pipeline / explainer error. Release r with mrl_detmass_release. */
MRL_MUST_CHECK int mrl_detmass_run(const mrl_explain_set_t *s, mrl_ensemble_t *e,
                                   const mrl_detmass_opts_t *o, mrl_detmass_t *r);
void mrl_detmass_release(mrl_detmass_t *r);
/* The stat of determinant d, method index j (0..n_methods-1), network q; NULL if absent. */
const mrl_detmass_stat_t *mrl_detmass_get(const mrl_detmass_t *r, int d, int j, int q);
/* Verdict of d for method index j, on its expectation (mrl_detmass_expectation): 1 found
 * (enrichment interval above 1 and, with the random network, the difference interval above
 * 0), 0 not found, -1 cannot be seen by this
 * input (fewer than min_n hairpins where it is visible), -2 too rare to test (visible on
 * enough hairpins, present on fewer than min_n). mrl_detmass_verdict_name: "found", "not
 * found", "cannot be seen by this input", "too rare to test". */
int mrl_detmass_verdict(const mrl_detmass_t *r, int d, int j);
const char *mrl_detmass_verdict_name(int v);
/* The masses of one mask on one hairpin's per-position values (|value| is the magnitude:
 * an attribution, or a mean |delta margin|): n positions, counted[p] > 0 for the positions
 * that count (drawn nt; scored mutants), context[p] enum mrl_context, mask[p] 1 inside.
 * With tot = sum over counted positions of |value|: out[0] = sum inside / tot (observed),
 * out[1] = sum over contexts c of (mask nt in c) x (mean |value| in c) / tot (the exact mean
 * over placements of the mask within its contexts), out[2] = mask nt / counted nt (share),
 * out[3] = sum inside of sgn (NULL: value) / tot. raw (may be NULL): the mask's mean |value|,
 * its context-matched expectation (out[1] x tot / mask nt) and the mean over counted
 * positions. Returns 1, or 0 with NaNs when no counted nt is in the mask or tot is 0. */
int mrl_detmass_mask(const float *value, const float *sgn, const int *counted,
                     const uint8_t *context, const uint8_t *mask, size_t n, double out[4],
                     double raw[3]);
/* The name of a method id of mrl_detmass_t.methods: mrl_explain_method_name, or
 * "mutagenesis" for MRL_DETMASS_MUTAGENESIS; NULL if unknown. */
const char *mrl_detmass_method_name(int id);

/* ============================================ mutagenesis and counterfactuals == */

/* What happens when the sequence, not the image, changes (src/explain/structdiff.c,
 * mutagenesis.c, counterfactual.c; docs/mutagenesis.md). Every mutant is refolded exactly
 * (mrl_fold_mfe), redrawn and re-scored through the pipeline (mrl_pipeline_run, in
 * batches), with one model or an ensemble, so a mutant's score is the score `mirlens
 * predict` gives the mutant sequence. Margins are logit margins (mrl_ensemble_score). */

enum mrl_edit_kind {
    MRL_EDIT_SUB = 0, /* the base at pos replaced by alt */
    MRL_EDIT_DEL = 1, /* the base at pos removed */
    MRL_EDIT_INS = 2, /* alt inserted before pos (pos == n: appended) */
    MRL_EDIT_NKINDS
};
#define MRL_EDIT_MASK(kind) (1 << (kind)) /* a set of kinds is a bit mask of these */

/* One edit of a sequence; pos is 0-based on the sequence it applies to. */
typedef struct mrl_edit {
    int kind;  /* enum mrl_edit_kind */
    int pos;   /* 0..n-1 (sub, del), 0..n (ins) */
    char ref;  /* the base at pos before the edit ('-' for an insertion) */
    char alt;  /* the new base ('-' for a deletion) */
} mrl_edit_t;

/* "sub", "del", "ins"; "?" out of range. */
const char *mrl_edit_kind_name(int kind);
/* 0, 1, 2, 3 for A, C, G, U (T = U, any case); -1 for any other letter. */
int mrl_base_index(char c);
/* Apply e to seq (n letters) into out (room for n + 2 bytes; terminated). Returns the new
 * length, or (size_t)-1 for an edit out of range. */
size_t mrl_edit_apply(const char *seq, size_t n, const mrl_edit_t *e, char *out);
/* Position in the edited sequence of position p of the original (-1: p was deleted), and
 * the reverse (-1: q is the inserted base). */
int mrl_edit_map_fwd(const mrl_edit_t *e, int p);
int mrl_edit_map_back(const mrl_edit_t *e, int q);

/* How a mutant's fold differs from the reference's, on aligned positions (the edit's
 * coordinate shift undone): a reference pair (i,j) is lost when i or j was deleted or they
 * are no longer partners; a mutant pair is gained when it pairs the inserted base or was
 * not a reference pair; the terminal loop drawn (the encoder's choice, loop_open and
 * loop_close of mrl_hairpin_t) moved when its closing pair differs after alignment; not
 * drawable when the mutant's fold has no hairpin loop (the encoder refuses it). */
typedef struct mrl_structdiff {
    int pairs_lost, pairs_gained;
    int loop_moved;  /* 1: the drawn terminal loop is closed by another pair */
    int undrawable;  /* 1: no hairpin loop (no image, no score) */
    int changed;     /* any of the above */
} mrl_structdiff_t;

/* Compare the mutant (structure mut, m chars, drawn loop mut_loop[2] = {open, close}, or
 * {-1, -1} when not drawable) made by edit e with the reference (ref, n chars, its loop
 * ref_loop[2]). e NULL: no edit (same coordinates). Returns 0 or MRL_ERR_ARG (unbalanced
 * structure, lengths that do not fit the edit). */
MRL_MUST_CHECK int mrl_structdiff(const char *ref, size_t n, const int ref_loop[2],
                                  const char *mut, size_t m, const int mut_loop[2],
                                  const mrl_edit_t *e, mrl_structdiff_t *d);

/* ------------------------------------------------- saturation mutagenesis -- */

typedef struct mrl_mut_opts {
    int kinds;                  /* edits made: a mask of MRL_EDIT_MASK (default substitutions
                                   only: 3 per position) */
    float threshold;            /* call at P >= threshold (default MRL_DEFAULT_THRESHOLD) */
    const mrl_params_t *params; /* energy set (NULL = RNAfold 2.1.3, the default) */
    int fold_threads;           /* fold + draw workers (default 1) */
} mrl_mut_opts_t;

void mrl_mut_opts_default(mrl_mut_opts_t *o);

/* One mutant. Scores are NAN when its fold has no hairpin loop (diff.undrawable). */
typedef struct mrl_mutant {
    mrl_edit_t edit;
    char *structure;    /* (len + 1) dot-bracket of the mutant (owned by the result) */
    size_t len;         /* its length */
    int mfe;            /* dcal/mol */
    float prob, margin; /* P(pre-miRNA) and logit margin, as mrl_ensemble_score gives them */
    float delta_prob, delta_margin; /* minus the reference's */
    mrl_structdiff_t diff;
} mrl_mutant_t;

/* The mutagenesis of one sequence (mrl_mut_run; release with mrl_mut_release). */
typedef struct mrl_mut {
    char *seq;            /* the reference sequence (owned copy), n letters */
    size_t n;
    char *structure;      /* (n + 1) its fold (owned) */
    int *partner;         /* (n) pair table (owned) */
    uint8_t *context;     /* (n) enum mrl_context (owned) */
    int mfe;              /* dcal/mol */
    mrl_hairpin_t hp;     /* its image and column map */
    float prob, margin;   /* its scores */
    size_t n_mut;         /* mutants, in order: by position, then kind (sub, del, ins), then
                             alt in ACGU order */
    mrl_mutant_t *mut;    /* (n_mut) */
    /* summary over the scored mutants */
    long n_scored, n_changed, n_undrawable, n_flip; /* flip: the call crosses threshold */
    double effect_total;   /* sum of |delta_margin| */
    double effect_changed; /* of it, carried by structure-changing mutants */
    double share_changed;  /* effect_changed / effect_total (NAN when the total is 0) */
    float *pos_effect;     /* (n) mean |delta_margin| of the scored substitutions of each
                              position (0 when none) (owned) */
    float *sub_delta;      /* (n, 4) delta_margin of substituting A, C, G, U at each position:
                              0 for the reference base, NAN when not drawable (owned) */
} mrl_mut_t;

/* Mutate seq (n letters, as given: any case, T = U) with every edit of o->kinds, fold, draw
 * and score the reference and all mutants in one pipeline run through e, and fill *r
 * (zeroed or released before). Returns 0; MRL_ERR_REFUSED when the reference itself has no
 * hairpin loop; MRL_ERR_ARG (n == 0, no kinds); the pipeline's errors. */
MRL_MUST_CHECK int mrl_mut_run(mrl_ensemble_t *e, const char *seq, size_t n,
                               const mrl_mut_opts_t *o, mrl_mut_t *r);
void mrl_mut_release(mrl_mut_t *r);

/* Sums of mutagenesis effects over a labelled set by outcome group. */
typedef struct mrl_mut_sum {
    mrl_agg_t *agg;        /* (owned) mean |delta_margin| per position as a nucleotide
                              attribution (mrl_agg_add_seq): shares by distance from the loop,
                              cut site, pair type, context; rank_abs set */
    double effect_total[MRL_NOUTCOMES], effect_changed[MRL_NOUTCOMES];
    double share_sum[MRL_NOUTCOMES]; /* sum over hairpins of share_changed */
    long n[MRL_NOUTCOMES];           /* hairpins with a defined share */
    int *cf_size[MRL_NOUTCOMES];     /* (n_cf) counterfactual sizes, 0: none within the
                                        budget (owned) */
    long n_cf[MRL_NOUTCOMES], cap_cf[MRL_NOUTCOMES];
} mrl_mut_sum_t;

/* Zeroed sums (allocates agg). Returns 0 or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_mut_sum_init(mrl_mut_sum_t *s);
void mrl_mut_sum_release(mrl_mut_sum_t *s);
/* Add the mutagenesis r of a hairpin to group g; duplex its miRNA duplex or NULL. */
MRL_MUST_CHECK int mrl_mut_sum_add(mrl_mut_sum_t *s, int g, const mrl_mut_t *r,
                                   const int *duplex);
/* Add the size of a hairpin's counterfactual search (mrl_cf_t.size) to group g. Returns 0,
 * MRL_ERR_ARG or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_mut_sum_add_cf(mrl_mut_sum_t *s, int g, int size);

/* --------------------------------------------------------- counterfactuals -- */

typedef struct mrl_cf_opts {
    int budget;                 /* most edits (default 3) */
    int kinds;                  /* allowed edits, mask of MRL_EDIT_MASK (default substitutions) */
    int beam;                   /* states kept per depth (default 6) */
    int solutions;              /* distinct solutions wanted (default 3) */
    const uint8_t *protect;     /* (n) 1: this position of the input may not be edited (nor an
                                   insertion made next to it), or NULL (default) */
    float threshold;            /* the call (default MRL_DEFAULT_THRESHOLD) */
    const mrl_params_t *params; /* as mrl_mut_opts_t */
    int fold_threads;
} mrl_cf_opts_t;

void mrl_cf_opts_default(mrl_cf_opts_t *o);

/* One state of a path: the sequence after `edit` (step 0: the input, no edit). */
typedef struct mrl_cf_step {
    mrl_edit_t edit;   /* applied to the previous step's sequence */
    int orig_pos;      /* the edit's position on the input sequence (for an insertion: the
                          input position it goes before, n at the end) */
    char *seq;         /* (len + 1) (owned) */
    char *structure;   /* (len + 1) (owned) */
    size_t len;
    int mfe;           /* dcal/mol */
    float prob, margin;
} mrl_cf_step_t;

#define MRL_CF_MAX_BUDGET 16 /* the most edits a search may make */

typedef struct mrl_cf_path {
    int n_edits;
    mrl_cf_step_t step[1 + MRL_CF_MAX_BUDGET]; /* step[0..n_edits] */
} mrl_cf_path_t;

/* The result of a search (release with mrl_cf_release). */
typedef struct mrl_cf {
    int called;            /* the input's call: 1 pre-miRNA (the search lowers its score),
                              0 other (raises it) */
    int size;              /* edits of the solutions found (the smallest depth at which the
                              beam crossed the threshold), 0 when none within the budget */
    int n_sol;             /* distinct solutions (different sequences) of that size */
    mrl_cf_path_t *sol;    /* (n_sol) best first (farthest across the threshold) */
    long evaluated;        /* mutants folded and scored */
} mrl_cf_t;

/* Beam search for the fewest edits that flip the call of seq (n letters): depth d expands
 * every kept state by every allowed single edit, refolds, redraws and scores them all in one
 * pipeline run, keeps the o->beam best distinct sequences (lowest margin for a pre-miRNA,
 * highest for another), and stops at the first depth where some mutant's call flips; up
 * to o->solutions distinct ones are returned with their paths. Depth 1 is exhaustive, so a
 * size-1 answer is the true minimum; beyond it the answer is the beam's. A mutant without
 * a hairpin loop has no score and never counts as a flip. Returns 0 (size 0: none found),
 * MRL_ERR_REFUSED (the input has no hairpin loop), MRL_ERR_ARG (bad options), or the
 * pipeline's errors. */
MRL_MUST_CHECK int mrl_cf_search(mrl_ensemble_t *e, const char *seq, size_t n,
                                 const mrl_cf_opts_t *o, mrl_cf_t *r);
void mrl_cf_release(mrl_cf_t *r);

/* Pictures (src/report/mutagenesis.c). The heat map SVG of r: the hairpin image (its 100
 * columns, 25 rows) on top and under it, column for column, the delta margin of substituting
 * A, C, G, U at the 5'-arm base and at the 3'-arm base of each column (diverging colours,
 * symmetric), then the position x base map along the sequence. Written atomically. Returns
 * 0, MRL_ERR_IO or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_report_mut_svg(const char *path, const mrl_mut_t *r, const char *title);
/* The path of counterfactual solution p as an SVG: each step's hairpin image redrawn from
 * its sequence and structure (an undrawable step as text), its edit, structure and score.
 * Returns 0, MRL_ERR_IO or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_report_cf_svg(const char *path, const mrl_cf_path_t *p, float threshold,
                                     const char *title);
/* The set report of s into directory dir (which must exist): dir/summary.tsv (per outcome
 * group: hairpins, mean and pooled structure-changing share, counterfactuals searched and
 * found, the median size of those found) and dir/aggregate/ (created), the tables in the
 * layout of explain --aggregate's with method "mutagenesis": profile.tsv (by distance from
 * the terminal loop and arm), categories.tsv (context, base, pair type, region),
 * cutsites.tsv, motifs.tsv, loops.tsv, columns.tsv (empty: no pixel maps). Returns 0,
 * MRL_ERR_IO or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_report_mut_sum_write(const char *dir, const mrl_mut_sum_t *s);
/* The mutagenesis page (mutagenesis.html of explain --method mutagenesis), written into fp
 * by the caller's atomic file: _begin its head; _section one sequence id (file-safe name
 * `name`): writes dir/NAME.mutagenesis.svg, dir/NAME.mutagenesis.hairpin.svg (the folded
 * hairpin coloured by pos_effect, mrl_report_hairpin_svg) and dir/NAME.cfK.svg (cf may be
 * NULL), then its HTML: the drawing, the heat map under the hairpin image, the strongest
 * mutants, each counterfactual path; _end the check that every picture loaded and the closing tags. _section returns 0,
 * MRL_ERR_IO or MRL_ERR_NOMEM. */
void mrl_report_mut_page_begin(FILE *fp);
MRL_MUST_CHECK int mrl_report_mut_section(FILE *fp, const char *dir, const char *name,
                                          const char *id, const mrl_mut_t *m, const mrl_cf_t *cf,
                                          float threshold, int top);
void mrl_report_mut_page_end(FILE *fp);

/* ===================================================================== report == */

/* Pictures and pages for a person (src/report/): the overlay of a map on its hairpin image,
 * the structure coloured by attribution, and the report of an explained set (tables,
 * figures, example pages, an offline index.html). One diverging colour map and one HTML /
 * XML escape serve them all; the charts come from one small SVG kit; every file is written
 * to a temporary name and renamed (mrl_atomic_t). */

/* Diverging colour (blue - white - red, Moreland's ends) of v in [-1, 1] (clamped; NaN is
 * white) into rgb[3]. */
void mrl_report_colour(float v, uint8_t rgb[3]);

/* s with <, >, & and " written as entities: for HTML and SVG text and attribute values. */
void mrl_report_escape(FILE *fp, const char *s);

/* Picture of a map over its hairpin image, for PNG output: a title line (title, NULL for
 * none), the image (25,100,3) enlarged scale times (2..16) above the map (25,100) in the
 * diverging colours, symmetric around 0 and saturating at the 98th percentile of the
 * non-zero |map| (drawn pixels slightly darkened so the bars stay visible), and a colour
 * bar below with five numbered ticks (-max, -max/2, 0, max/2, max) and the unit under them
 * (NULL for none). Texts in a 5x7 bitmap font, capitals only. Writes *w x *h x 3 bytes into
 * a malloc'ed *out (caller frees). Returns 0, MRL_ERR_ARG or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_report_overlay(const uint8_t *rgb, const float *map, int scale,
                                      const char *title, const char *unit, uint8_t **out,
                                      int *w, int *h);

/* SVG of a folded hairpin with each nucleotide coloured by attr (n values, diverging around
 * 0 at +-max|attr|): the two arms side by side, pairs (partner, n entries) as rungs, the
 * terminal loop of h (the drawn hairpin: its loop_open / loop_close) as an arc; positions
 * on one line when h is NULL or has no loop. 5' and 3' at the ends, every 10th position
 * numbered (1-based), the nucleotides of mature (NULL, or {s5, e5, s3, e3} 0-based
 * inclusive with -1 for an arm without one, as mrl_mature_find gives them) ringed, and a
 * colour bar numbered -max, 0, max with unit beside it (NULL: "attribution"). title may be
 * NULL. Written atomically. Returns 0, MRL_ERR_ARG, MRL_ERR_NOMEM or MRL_ERR_IO. */
MRL_MUST_CHECK int mrl_report_hairpin_svg(const char *path, const char *seq, size_t n,
                                          const int *partner, const mrl_hairpin_t *h,
                                          const float *attr, const char *title,
                                          const int *mature, const char *unit);

/* The unit of a method's values (static strings): per pixel (per_nt 0) or per nucleotide
 * (per_nt 1, the sum over its bars). Contribution methods (mrl_explain_method_is_
 * contribution) give a contribution to the explained logit, the others its gradient. */
const char *mrl_report_unit(int method, int per_nt);

/* One map of one record, as the pictures and the page of `mirlens explain` show it. */
typedef struct mrl_report_map {
    const char *id;          /* the record's name as given (titles) */
    int method;              /* enum mrl_explain_method (titles, units, verdict) */
    float prob, margin;      /* P(pre-miRNA) and the logit margin z1 - z0 (NAN: unknown) */
    const uint8_t *rgb;      /* its hairpin image (25,100,3) */
    const float *map;        /* (25,100) the channel sum of the method's map */
    const char *seq;         /* the sequence (n letters), or NULL for an image alone */
    size_t n;
    const int *partner;      /* (n) the fold's partners, -1 unpaired */
    const uint8_t *context;  /* (n) enum mrl_context */
    const mrl_hairpin_t *hp; /* the drawn hairpin (loop, column map) */
    const float *attr;       /* (n) per-nucleotide attribution (mrl_explain_nucleotides) */
    const int *mature;       /* {s5, e5, s3, e3} as mrl_mature_find gives them, or NULL */
    const mrl_explain_info_t *info; /* what came with the map (logit, reference, total) */
    int scale;               /* PNG enlargement 2..16 */
} mrl_report_map_t;

/* STEM.png (mrl_report_overlay titled "ID  METHOD  P=...", unit per pixel) and, with a
 * sequence, STEM.svg (mrl_report_hairpin_svg, unit per nucleotide). STEM is a path without
 * extension. Returns 0 or the first error (MRL_ERR_NOMEM, MRL_ERR_IO, MRL_ERR_ARG). */
MRL_MUST_CHECK int mrl_report_map_pictures(const char *stem, const mrl_report_map_t *m);

/* The page of `mirlens explain` (index.html), written in pieces as records stream by. The
 * head: inputs, what the explained score is, the legend of the hairpin image (colours from
 * the encoder's own table, bar heights from its pair table), the methods with their units
 * and recorded sanity verdicts (mrl_explain_method_sanity). */
void mrl_report_page_head(FILE *fp, const char *input, const char *model,
                          const mrl_explain_opts_t *ex, const int *methods, int n_methods);
/* A record's section opens: name (mrl_report_names_unique) as anchor, id, its length, MFE
 * (dcal/mol), sequence and structure when known (seq NULL: an image), the prediction, and
 * a warning when outside (the length lies outside lo..hi, the model's training lengths). */
void mrl_report_page_record(FILE *fp, const char *name, const mrl_report_map_t *m,
                            const char *structure, int mfe, int outside, long lo, long hi);
/* One method's block in the record's section: pictures NAME.M.png / .svg / .npy, the
 * verdict, the numbers of m->info in words and units, the top positions by |attr|. */
void mrl_report_page_map(FILE *fp, const char *name, const mrl_report_map_t *m, int top);
/* Closes a record's section. */
void mrl_report_page_record_end(FILE *fp);
/* The foot: records explained and skipped; closes the page. */
void mrl_report_page_end(FILE *fp, long done, long refused);

/* The top strongest positions of attr (by magnitude; n entries) as an HTML table: position
 * (1-based), base, partner, context, attribution. Nothing for top <= 0. */
void mrl_report_top_table(FILE *fp, const char *seq, size_t n, const int *partner,
                          const uint8_t *context, const float *attr, int top);

/* Unique file-system-safe names from ids: letters, digits and ._+- kept, anything else '_',
 * no leading '.', at most 120 characters, "seq" for an empty id, "_2", "_3", ... appended to
 * repeats (compared case-insensitively, for case-insensitive file systems). */
typedef struct mrl_report_names mrl_report_names_t;
mrl_report_names_t *mrl_report_names_new(void); /* NULL when out of memory */
void mrl_report_names_free(mrl_report_names_t *ns);
/* The name for id into out (cap bytes, >= 128). Returns 0 or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_report_names_unique(mrl_report_names_t *ns, const char *id, char *out,
                                           size_t cap);

/* A curve (n points x, y in [0, 1]) as a small SVG chart of the unit square: ticks every
 * 0.25, "title (area A)" above, the diagonal when asked (ROC); mirlens eval's ROC and
 * precision-recall plots. The texts are written as given. Written atomically. Returns 0,
 * MRL_ERR_IO or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_report_curve_svg(const char *path, const char *title, const char *xlabel,
                                        const char *ylabel, const double *x, const double *y,
                                        size_t n, double area, int diagonal);

/* What the set report says about its run besides the set: inputs, model, machine. */
typedef struct mrl_report_set_opts {
    const char *input;               /* the one input of a sanity-only run, or NULL */
    const char *const *pos, *const *neg, *const *images; /* input files, as named */
    int n_pos, n_neg, n_images;
    const char *model;               /* the model file, as named */
    int threads;                     /* threads the run used */
    double seconds;                  /* its wall time */
    int scale;                       /* example pictures: PNG enlargement 2..16 (default 8) */
    int top;                         /* example pages: strongest positions listed (default 10) */
    const char *concepts;            /* concepts.tsv of `mirlens explain --concepts` (or NULL):
                                        shown as a table in index.html, copied beside it */
} mrl_report_set_opts_t;

void mrl_report_set_opts_default(mrl_report_set_opts_t *o);
/* Create dir and the subdirectories the set report of a run with these options writes into
 * (aggregate/, and seq/ for examples): the report does it itself; a caller does it before a
 * long run to fail early. Returns 0 or MRL_ERR_IO naming the directory. */
MRL_MUST_CHECK int mrl_report_set_dirs(const char *dir, int aggregate, int examples);
/* The report of an explained set s (mrl_explain_set_run) into dir: with aggregate,
 * predictions.tsv, aggregate/ (columns, profile, categories, cut sites, motifs and loop
 * TSVs; per method the mean maps as .npy, PNG and SVG, and profile, category and cut-site
 * charts), faithfulness tables and curves, seq/NAME.html pages of the examples; the sanity
 * table and chart when the checks ran; and index.html, offline, linking everything.
 * Returns 0 or the first error (MRL_ERR_IO, MRL_ERR_NOMEM). */
MRL_MUST_CHECK int mrl_report_set_write(const char *dir, const mrl_explain_set_t *s,
                                        const mrl_report_set_opts_t *o);

/* =================================================== metrics, data sets, training == */

/* Binary classification metrics of scores (probability of the positive class) against
 * labels (1 positive, 0 negative). Ratios with an empty denominator are 0; AUROC and
 * AUPRC are NaN when one class is absent. AUROC counts tied scores as half (Mann-Whitney);
 * AUPRC is the average precision with tied scores grouped. */
typedef struct mrl_metrics {
    double accuracy, sensitivity, specificity, precision, f1, mcc, auroc, auprc;
    long n_pos, n_neg, tp, tn, fp, fn;
} mrl_metrics_t;

/* The decision threshold of predict, eval and the validation accuracy of mrl_train: a
 * probability of pre-miRNA >= 0.5 calls a pre-miRNA. */
#define MRL_DEFAULT_THRESHOLD 0.5

/* A score >= threshold calls the positive class. Returns 0, MRL_ERR_ARG (NaN score) or
 * MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_metrics_compute(const float *score, const int8_t *label, size_t n,
                                       float threshold, mrl_metrics_t *m);
/* ROC (fpr, tpr) and precision-recall points, one per distinct score from the top plus
 * the origin; four malloc'ed arrays of *npoints values, freed by the caller. */
MRL_MUST_CHECK int mrl_metrics_curves(const float *score, const int8_t *label, size_t n,
                                      double **fpr, double **tpr, double **recall,
                                      double **precision, size_t *npoints);

/* ---- pipeline (src/pipeline/): records -> fold + encode on one thread pool -> scores ----
 *
 * Fold + encode many sequences on worker threads. Output order is input order and does not
 * depend on the thread count. */
typedef struct mrl_fe_opts {
    const mrl_params_t *params; /* NULL = RNAfold 2.1.3 tables */
    int threads;                /* worker threads (default 1: also mirlens fold's and
                                   encode's -j) */
    int encode;                 /* 1 (default): fold and draw; 0: fold only (hp untouched) */
    mrl_fasta_opts_t fasta;     /* for readers (max_length) */
} mrl_fe_opts_t;

void mrl_fe_opts_default(mrl_fe_opts_t *o);

typedef struct mrl_fe_item {
    char *structure;  /* dot-bracket (malloc'ed; mrl_fe_items_release frees) */
    int *partner;     /* (n) 0-based partner of each position, -1 unpaired */
    uint8_t *context; /* (n) enum mrl_context of each position: partner and context are
                         mrl_explain_structure of structure, computed once here with the
                         fold (malloc'ed; mrl_fe_items_release frees) */
    int mfe;          /* dcal/mol */
    int rc;           /* 0, or MRL_ERR_REFUSED (no hairpin loop / empty): hp is blank */
    char err[128];    /* message when rc < 0 */
    mrl_hairpin_t hp; /* image and column map */
} mrl_fe_item_t;

/* Fold and draw seq[k] (len[k] letters) into out[k] (zeroed by the caller) for k < n:
 * structure, its pair table and contexts, MFE and (o->encode) the image. Returns 0
 * (refusals are per item) or the first hard error (a sequence the folder rejects, out of
 * memory), with its message. */
MRL_MUST_CHECK int mrl_fold_encode_batch(const char *const *seq, const size_t *len, size_t n,
                                         const mrl_fe_opts_t *o, mrl_fe_item_t *out);
void mrl_fe_items_release(mrl_fe_item_t *items, size_t n);

/* 0 if m is a 2-class network of MRL_IMG_H x MRL_IMG_W RGB hairpin images (what the
 * scorer takes), else MRL_ERR_ARG ("not a 2-class model of 25x100 RGB hairpin images"). */
MRL_MUST_CHECK int mrl_model_check_hairpin(const mrl_model_t *m);

/* The scorer: one model or an ensemble of several, each with its own context. */
typedef struct mrl_ensemble mrl_ensemble_t;

/* A scorer over models[0..n) (borrowed: they must outlive it; 1 <= n <= 64), each checked
 * with mrl_model_check_hairpin and given a context with options o (NULL = defaults).
 * Caller frees with mrl_ensemble_free. */
MRL_MUST_CHECK int mrl_ensemble_new(mrl_ensemble_t **out, mrl_model_t *const *models, int n,
                                    const mrl_nn_opts_t *o);
/* The same from model files paths[0..n) (mrl_model_load; a model that is not a 2-class
 * hairpin network fails with a message naming its file). The scorer owns the models:
 * mrl_ensemble_free frees them. */
MRL_MUST_CHECK int mrl_ensemble_load(mrl_ensemble_t **out, const char *const *paths, int n,
                                     const mrl_nn_opts_t *o);
void mrl_ensemble_free(mrl_ensemble_t *e);
int mrl_ensemble_size(const mrl_ensemble_t *e);
/* Model k's context (borrowed; e.g. to ask mrl_nn_precision), NULL if k is out of range. */
mrl_nn_t *mrl_ensemble_nn(const mrl_ensemble_t *e, int k);
/* Model k (as given to mrl_ensemble_new), NULL if k is out of range. */
mrl_model_t *mrl_ensemble_model(const mrl_ensemble_t *e, int k);
/* Scores of n hairpin images rgb[i] (MRL_IMG_BYTES each, as mrl_hairpin_t.rgb), each model
 * normalising them its own way: margin[i] (N) is the logit margin z1 - z0 of pre-miRNA over
 * other and prob[i] (N) the probability of pre-miRNA. One model: its softmax; an ensemble:
 * the mean of the models' margins and its logistic (the geometric mean of their odds).
 * Either output may be NULL. An image's scores never depend on the others of the batch.
 * Images go through the network 256 at a time, so memory does not grow with n. */
MRL_MUST_CHECK int mrl_ensemble_score(mrl_ensemble_t *e, const uint8_t *const *rgb, size_t n,
                                      float *prob, float *margin);

/* One chunk of records carried through the pipeline: what each stage computed, handed
 * forward (the explainers take x and the scores from here; nothing is computed twice). */
typedef struct mrl_batch {
    size_t n;             /* records of the last run */
    mrl_fe_item_t *items; /* (n) each record's structure, MFE and image (FASTA runs) */
    size_t rows;          /* records with an image: the scored ones */
    size_t *row;          /* (rows) row -> record index, increasing */
    int keep_x;           /* set by the caller: fill x */
    float *x;             /* (rows,3,H,W) the images normalised for the scorer's first model */
    float *prob, *margin; /* (n) scores as mrl_ensemble_score gives them; NAN: no image */
    float *logit;         /* (rows,2) the first model's logits by row, the scores of x
                             (mrl_explain_opts_t.logits); points into rs */
    double t[2];          /* seconds so far, all runs: fold + draw, scoring */
    /* internal: */
    size_t cap;           /* records the buffers hold */
    const uint8_t **rgb;  /* (rows) each row's image */
    float *rs;            /* (4, rows) scores by row: prob, margin, then logit */
} mrl_batch_t;

/* Fold, draw and score records seq[0..n) (len[k] letters) into b (zeroed before its first
 * use, then reused run after run; mrl_batch_release frees): items as mrl_fold_encode_batch
 * gives them (rc != 0: a fold without a hairpin loop, no image, no row), the rows, x if
 * b->keep_x, the scores. Returns 0 or the first hard error. */
MRL_MUST_CHECK int mrl_pipeline_run(mrl_ensemble_t *e, const mrl_fe_opts_t *o,
                                    const char *const *seq, const size_t *len, size_t n,
                                    mrl_batch_t *b);
/* The same from images already drawn (rgb[k], MRL_IMG_BYTES each, e.g. of an image set):
 * every record is a row; items stay NULL. */
MRL_MUST_CHECK int mrl_pipeline_run_images(mrl_ensemble_t *e, const uint8_t *const *rgb,
                                           size_t n, mrl_batch_t *b);
void mrl_batch_release(mrl_batch_t *b);

/* Empty image set (labels and names allocated as images are added). */
MRL_MUST_CHECK int mrl_imageset_new(mrl_imageset_t **out);
/* Append one image (MRL_IMG_BYTES) with its label (-1: none) and name (copied). */
MRL_MUST_CHECK int mrl_imageset_push(mrl_imageset_t *s, const uint8_t *rgb, int label,
                                     const char *name);
/* Append all images of src; label >= 0 overrides src's labels. */
MRL_MUST_CHECK int mrl_imageset_append(mrl_imageset_t *dst, const mrl_imageset_t *src, int label);
/* Read a FASTA file, fold and encode every record and append the images with `label` and
 * the record ids as names. Sequences the encoder refuses (no hairpin loop) are skipped and
 * counted in *n_refused (may be NULL). A record with an empty id is refused
 * (MRL_ERR_PARSE). Errors name the file, record and line. */
MRL_MUST_CHECK int mrl_imageset_add_fasta(mrl_imageset_t *dst, const char *path, int label,
                                          const mrl_fe_opts_t *o, long *n_refused);

/* Per-epoch report handed to the training callback. */
typedef struct mrl_epoch_report {
    int epoch, epochs;             /* epochs completed / asked for */
    double loss, accuracy;         /* training set, during the epoch (dropout active) */
    int has_val;                   /* validation figures below are set */
    double val_loss, val_accuracy, val_auroc;
    int best_epoch;                /* epoch of the lowest validation loss so far */
    int stopped;                   /* early stopping triggered */
    double seconds, images_per_s;  /* this epoch's training time and rate */
} mrl_epoch_report_t;

/* The data of a run once mrl_train has applied its options (validation split, shuffled
 * labels, balanced class weights), handed to on_start before the first epoch. The arrays
 * are borrowed: valid during the call only. */
typedef struct mrl_train_start {
    size_t n_train, n_train_pos; /* training images, of them labelled positive (> 0) */
    const size_t *train_index;   /* (n_train) the image of tr behind each training row */
    const int8_t *train_labels;  /* (n_train) the labels trained on (shuffled or not) */
    size_t n_val;                /* labelled validation images (0: no validation) */
    const size_t *val_index;     /* (n_val) the image of val, or of tr when split from it */
    const int8_t *val_labels;    /* (n_val) the validation labels (shuffled or not) */
    float class_weight[2];       /* the weights in effect (computed when balanced) */
} mrl_train_start_t;

/* Options of mrl_train. Randomness: every draw comes from PCG32(seed, stream): 0 the
 * initialisation (mrl_model_new), 1 batch order and dropout, 2 the validation split, 3 and
 * 4 the shuffled training and validation labels. */
typedef struct mrl_train_opts {
    int epochs;                /* maximum epochs (default 40) */
    int batch;                 /* mini-batch size (default 128) */
    mrl_adam_opts_t adam;      /* Keras defaults */
    uint64_t seed;             /* see above (default 1) */
    int early_stop;            /* patience in epochs on validation loss, best weights restored;
                                  0 = off (default) */
    int threads;               /* engine threads: mrl_nn_opts_default's (0 = all CPUs) */
    int precision;             /* mrl_nn_opts_default's: MRL_PREC_F32 (or MRL_PREC_BF16) */
    float class_weight[2];     /* training-loss weight of class 0 / 1 (default 1, 1); the
                                  validation loss stays unweighted */
    int class_weight_balanced; /* 1: class_weight = n / (2 n_c) of the training set after
                                  the split (Keras / scikit-learn "balanced"), so each class
                                  weighs n/2; needs both classes. Default 0 */
    double val_split;          /* with val == NULL: hold out a stratified fraction in [0, 1) of
                                  tr for validation: round(f m_c) of the m_c images of each class,
                                  by selection sampling (Knuth 3.4.2 S). Default 0: none */
    int shuffle_labels;        /* 1: permute the training and the validation labels at random
                                  (Fisher-Yates) before training, a model that can only memorise
                                  (the data randomisation test of Adebayo et al. 2018); recorded
                                  as metadata shuffled_labels=1. Default 0 */
    const char *checkpoint;    /* written after every epoch (and "<checkpoint>.state"); NULL */
    const char *run_options;   /* the caller's own settings that determine the run, as
                                  space-separated key=value words (the CLI: kernel, dense,
                                  init), recorded and checked with the rest (see mrl_train);
                                  NULL = none */
    void (*on_start)(void *ud, const mrl_train_start_t *s);  /* may be NULL */
    void (*on_epoch)(void *ud, const mrl_epoch_report_t *r); /* may be NULL */
    void (*on_batch)(void *ud, long done, long total);       /* may be NULL */
    void *ud;
} mrl_train_opts_t;

void mrl_train_opts_default(mrl_train_opts_t *o);

/* Train m in place on tr (labels required), validating on val (may be NULL; with
 * o->val_split, held out of tr) after every epoch. tr and val are never modified: the split
 * and shuffled labels are rows of them. resume: a checkpoint path written by an earlier run
 * with the same data and options; m must then be that checkpoint's model (mrl_model_load)
 * and training continues from the epoch after it, giving the same final weights as an
 * uninterrupted run. Metadata set: train_run (what determines the run: a CRC-32 of the
 * training and validation images and labels, every option but epochs, threads, checkpoint
 * and the callbacks, and o->run_options; a resume whose record differs from its
 * checkpoint's is refused, naming the first key that differs with both values),
 * shuffled_labels (1, or 0 when m had it and is trained on true labels), epochs_run,
 * best_epoch, best_val_loss. Returns 0 or an error code: MRL_ERR_ARG for bad options, no
 * training images after the split, a training set without both classes, or a checkpoint of
 * another run. */
MRL_MUST_CHECK int mrl_train(mrl_model_t *m, const mrl_imageset_t *tr, const mrl_imageset_t *val,
                             const mrl_train_opts_t *o, const char *resume);

/* Inference over an image set (2-class model): score[k] = probability of class 1 for each
 * image (n floats); margin[k] = logit of class 1 minus logit of class 0 (may be NULL): it
 * ranks images without the ties of probabilities saturated at 0 or 1, so AUROC/AUPRC are
 * computed from it; loss = mean cross-entropy when the set has labels (may be NULL). */
MRL_MUST_CHECK int mrl_evaluate_set(mrl_nn_t *nn, const mrl_model_t *m, const mrl_imageset_t *s,
                                    float *score, float *margin, double *loss);

/* ======================================================================= scan == */

/* Genome scanning (src/scan/): candidate stem-loops are found in both strands by a local
 * self-alignment of the sequence against itself read backwards (stems up to max_span nt
 * with a score >= min_stem; overlapping stems thinned to the best), each taken with `flank`
 * nt on both sides, folded exactly as mrl_fold_mfe folds (as `mirlens fold`), drawn and
 * scored through the pipeline (mrl_pipeline_run). Coordinates are 0-based, end-exclusive,
 * on the + strand of the input, as in BED. */
#define MRL_SCAN_DEFAULT_FLANK 10
#define MRL_SCAN_DEFAULT_MAX_SPAN 160
#define MRL_SCAN_DEFAULT_MIN_STEM 30
#define MRL_SCAN_DEFAULT_MIN_SCORE 0.01
#define MRL_SCAN_DEFAULT_MAX_REPEAT 0.1

typedef struct mrl_scan_progress {
    uint64_t done, total; /* positions of the scan (this shard's) handled so far / in all;
                             while counting: letters of the whole input read / in all */
    long candidates;      /* folded and scored */
    long hits;            /* candidates scoring >= threshold */
    double seconds;       /* since this phase began */
    int counting;         /* 1: counting the input's repeats (max_repeat < 1), before the
                             scan proper; 0: scanning */
} mrl_scan_progress_t;

typedef struct mrl_scan_opts {
    int strand;          /* +1, -1, or 0 = both (default) */
    int skip_masked;     /* 1: lowercase (soft-masked) letters count as N; default 0 */
    int flank;           /* nt taken on each side of a stem (default MRL_SCAN_DEFAULT_FLANK) */
    int max_span;        /* longest stem, nt (default MRL_SCAN_DEFAULT_MAX_SPAN) */
    int min_stem;        /* stem score threshold (default MRL_SCAN_DEFAULT_MIN_STEM) */
    float max_repeat;    /* candidates with more than this share of their 16-nt windows
                            repeated in the input (a canonical 16-mer seen >= 3 times over
                            all records, both strands) are dropped before folding: the
                            genome's own repeats, no repeat library (default
                            MRL_SCAN_DEFAULT_MAX_REPEAT; >= 1 keeps every candidate and
                            counts nothing). Counting reads the whole input once (every
                            record, whatever the region or shard: shards agree); memory 8
                            bytes a letter up to 64 M letters, 1 GiB beyond (a table of
                            2-bit counters over all 16-mers). */
    float threshold;     /* loci: candidates with probability >= threshold
                            (default MRL_DEFAULT_THRESHOLD) */
    float min_score;     /* candidates listed: probability >= min_score (<= threshold) */
    int gzip;            /* the candidates file gzip-compressed (PREFIX.candidates.tsv.gz) */
    int no_score;        /* 1: candidates only (no fold, no network: structure, mfe, score
                            and margin are "."; no loci; every candidate is listed, and
                            the header says min_score=0); e.g. to build training sets */
    const char *region;  /* NULL (everything), "NAME" or "NAME:START-END" (1-based, inclusive) */
    int shard, nshards;  /* this run scans part `shard` (1-based) of nshards (default 1 of 1) */
    const char *models;  /* free text naming the models, written to the files' header
                            (mrl_scan_models_tag makes the command's) */
    int block;           /* positions scanned per block (default 262144); any value gives
                            the same output (tests use small ones) */
    mrl_fe_opts_t fe;    /* folding: energy parameters, worker threads */
    void (*on_progress)(void *ud, const mrl_scan_progress_t *p); /* may be NULL */
    void *ud;
} mrl_scan_opts_t;

void mrl_scan_opts_default(mrl_scan_opts_t *o);

/* "name:crc32" of each of n model files (name without its directory), comma-separated, into
 * buf (cap bytes): the outputs' models= tag, by which shards of one scan and reused scans
 * are checked to have used the same models. The CRC is of all bytes but the last 4 (a model
 * file ends with the CRC of the bytes before it, so the CRC of a whole file is the same
 * constant for every model). 0, MRL_ERR_IO (a file unreadable: the message names it) or
 * MRL_ERR_RANGE. */
MRL_MUST_CHECK int mrl_scan_models_tag(const char *const *paths, int n, char *buf, size_t cap);

/* What a scan did. Times in seconds. */
typedef struct mrl_scan_stats {
    uint64_t bases;      /* positions scanned that are A, C, G or T (one strand's count) */
    long stems;          /* candidates found (both strands) */
    long repeats;        /* candidates dropped as repeats (max_repeat) */
    long refused;        /* folds without a hairpin loop (not scored) */
    long listed;         /* candidates written (probability >= min_score) */
    long loci;           /* merged loci written */
    double t_read, t_repeats, t_stems, t_fold, t_score, t_total;
} mrl_scan_stats_t;

/* Scan the FASTA file `path` (plain, gzip or bgzip; read twice: first its record names and
 * lengths, then the sequence, streamed in pieces: memory is bounded by the piece, not the
 * chromosome) with scorer e, writing atomically:
 *   PREFIX.candidates.tsv[.gz]  every candidate with probability >= min_score;
 *   PREFIX.bed                  BED6 loci: overlapping candidates >= threshold, per strand;
 *   PREFIX.gff3                 the same loci as miRNA_primary_transcript features.
 * With nshards > 1 the genome (the region, if one) is cut into nshards parts by position
 * and only the candidates starting in part `shard` are written; mrl_scan_merge joins the
 * parts' candidates files into exactly what one run writes. st may be NULL. Errors name the
 * input (and record and line); nothing is left half-written. */
MRL_MUST_CHECK int mrl_scan_genome(mrl_ensemble_t *e, const char *path, const char *prefix,
                                   const mrl_scan_opts_t *o, mrl_scan_stats_t *st);

/* Join the outputs of the nshards runs of one scan (PREFIXES[k].candidates.tsv[.gz], in any
 * order; all parts present once, same settings) into PREFIX.candidates.tsv[.gz] (gzip when
 * o->gzip), PREFIX.bed and PREFIX.gff3, byte for byte what the unsharded run writes with
 * the same threshold (o->threshold; the other fields of o are not used). An unsharded
 * run's output is accepted too (one input). *loci may be NULL. */
MRL_MUST_CHECK int mrl_scan_merge(const char *const *prefixes, int n, const char *prefix,
                                  const mrl_scan_opts_t *o, long *loci);

/* ============================================ data files, bindings (issue 24) == */

/* The installed data directory compiled into the library (PREFIX/share/mirlens of the
 * build; make's DATADIR). A static string. */
const char *mrl_data_dir(void);

/* Find a data file shipped with mirlens by its plain name ("default.mrlm", "genome.mrlm",
 * "background.u8", ...) at run time and write its path into buf (cap bytes). Tried in
 * order, the first readable one wins:
 *  1. $MIRLENS_DATA/name when that variable is set (then nothing else);
 *  2. beside libmirlens itself (dladdr: the shared library, or the program it is linked
 *     into), then beside the running program (/proc/self/exe): DIR/../share/mirlens,
 *     DIR/../../share/mirlens (multiarch lib/<triplet>/), DIR/models and DIR/../models
 *     (a build tree: ./mirlens, build-san/mirlens, ./libmirlens.so);
 *  3. mrl_data_dir().
 * So an install tree may be moved as a whole. Returns 0, MRL_ERR_IO (not found; the
 * message lists where it looked), MRL_ERR_RANGE (cap too small) or MRL_ERR_ARG (a name
 * with '/'). */
MRL_MUST_CHECK int mrl_data_path(const char *name, char *buf, size_t cap);

/* The model a command scores with when none is named (the paper's network, imported):
 * $MIRLENS_MODEL when set, else mrl_data_path("default.mrlm"), else the path it would have
 * in mrl_data_dir() (so that the load error names it). Into buf (cap bytes): 0, or
 * MRL_ERR_RANGE. */
MRL_MUST_CHECK int mrl_default_model(char *buf, size_t cap);

/* A data file that goes with the default model ("background.u8", the SHAP background;
 * "genome.mrlm", ...): name in the directory of mrl_default_model's path, into buf (cap
 * bytes). 0 when readable there; MRL_ERR_IO when not (buf holds the path tried),
 * MRL_ERR_RANGE or MRL_ERR_ARG (a name with '/'). */
MRL_MUST_CHECK int mrl_default_data(const char *name, char *buf, size_t cap);

/* The models `mirlens scan` scores with when none is named, as an ensemble (the mean of
 * their logit margins): $MIRLENS_GENOME_MODEL alone when set; else those of the shipped
 * genome models (genome.mrlm and genome_scratch.mrlm, models/train_genome.sh) that
 * mrl_default_data finds; else the default model alone. Their paths
 * go into buf (cap bytes) one after another, each NUL-ended. Returns how many (1 to
 * MRL_SCAN_DEFAULT_MODELS), or MRL_ERR_RANGE. */
#define MRL_SCAN_DEFAULT_MODELS 2
MRL_MUST_CHECK int mrl_scan_default_models(char *buf, size_t cap);

/* Flat entry points for language bindings (src/pipeline/flat.c; the Python package's
 * ABI-mode cffi declarations): plain arrays, ints and strings only. Each computes what
 * the command of the same name prints. threads: 0 = 1 for folding. Errors: a negative
 * MRL_ERR_* with mrl_errmsg(); every output array is caller-owned. */

/* Fold (as `mirlens fold`) and, when encode or rgb or cols, draw n sequences seq[k] of
 * len[k] letters. Any output may be NULL:
 *  structs  sum(len[k] + 1) bytes: the dot-brackets one after another, each NUL-ended;
 *  mfe      (n) dcal/mol;  status (n) 0, or MRL_ERR_REFUSED: no hairpin loop (blank image);
 *  rgb      (n,25,100,3) the images (mrl_hairpin_t.rgb);
 *  cols     (n,2,100) the column map: pos5 then pos3 (0-based positions, -1 none).
 * Returns 0 or the first hard error (a sequence the folder refuses, out of memory). */
MRL_MUST_CHECK int mrl_flat_fold(const char *const *seq, const size_t *len, size_t n, int threads,
                                 int encode, char *structs, int *mfe, int *status, uint8_t *rgb,
                                 int32_t *cols);

/* mrl_ensemble_load of n model files with mrl_nn_opts_t {threads (0 = all CPUs),
 * precision (enum mrl_precision)}. Caller frees *out with mrl_ensemble_free. */
MRL_MUST_CHECK int mrl_flat_model_load(mrl_ensemble_t **out, const char *const *paths, int n,
                                       int threads, int precision);

/* Fold, draw and score n sequences (as `mirlens predict`): prob (n) the probability of
 * pre-miRNA, margin (n) the logit margin z1 - z0 (mrl_ensemble_score); NAN for a
 * sequence whose fold has no hairpin loop. Either output may be NULL. threads: folding. */
MRL_MUST_CHECK int mrl_flat_predict(mrl_ensemble_t *e, const char *const *seq, const size_t *len,
                                    size_t n, int threads, float *prob, float *margin);

/* Explain one sequence of len letters (as `mirlens explain`) with scorer e of one model:
 * method as the CLI spells it (NULL = mrl_explain_opts_default's), seed, samples and
 * steps (<= 0: the defaults), background NULL (the white image alone) or the SHAP
 * background as --background takes it (an image set .u8/.u8.gz or a FASTA file).
 *  map  (3,25,100) the attribution map (the CLI's .npy);
 *  attr (len) per-nucleotide attribution of the channel-summed map (may be NULL);
 *  info (5) score (logit), prob, reference, total, gap (mrl_explain_info_t; may be NULL).
 * Returns 0, MRL_ERR_REFUSED (no hairpin loop), MRL_ERR_ARG (unknown method, ensemble of
 * several) or an engine/folding error. */
MRL_MUST_CHECK int mrl_flat_explain(mrl_ensemble_t *e, const char *seq, size_t len,
                                    const char *method, int threads, uint64_t seed, int samples,
                                    int steps, const char *background, float *map, float *attr,
                                    float *info);

/* mrl_scan_genome of FASTA file path into PREFIX.candidates.tsv, .bed and .gff3 with the
 * defaults of mrl_scan_opts_default but strand (0 both, +1, -1), threshold, min_score and
 * max_repeat (NAN: the defaults), threads (folding) and models (the header's models= text,
 * may be NULL). *listed (may be NULL): candidates written. */
MRL_MUST_CHECK int mrl_flat_scan(mrl_ensemble_t *e, const char *path, const char *prefix,
                                 int strand, float threshold, float min_score,
                                 float max_repeat, int threads, const char *models,
                                 long *listed);
/* Every known determinant (enum mrl_det, mrl_det_eval) on one hairpin of len letters with
 * its dot-bracket structure (NULL: its MFE fold, as `mirlens fold`) and miRNA duplex {s5,
 * e5, s3, e3} (0-based inclusive, as mrl_det_eval). Outputs, any may be NULL: visible and
 * present (MRL_NDET) 0/1, value (MRL_NDET) NAN when none, mask (MRL_NDET, len) 0/1.
 * Returns 0, MRL_ERR_ARG (a structure of another length or unbalanced, a bad duplex),
 * MRL_ERR_NOMEM or the folder's error. */
MRL_MUST_CHECK int mrl_flat_determinants(const char *seq, size_t len, const char *structure,
                                         const int duplex[4], int *visible, int *present,
                                         double *value, uint8_t *mask);
/* ======================================== end of data files, bindings (issue 24) == */

/* ============================================ landmark-anchored motifs (issue 26) == */

/* Motif discovery anchored on the processing landmarks (src/explain/seqlets.c; the report
 * src/report/motifs.c; `mirlens explain --motifs`): windows of high attribution (seqlets,
 * Shrikumar et al. 2018's TF-MoDISco idea) collected over a set of hairpins, each placed
 * relative to the nearest landmark (the Drosha and Dicer cut sites of its miRNA duplex,
 * the terminal loop's closing pair) instead of its raw position, clustered greedily into
 * motifs by Hamming distance over aligned windows, each motif tested on held-out hairpins
 * against every window at the same landmark offsets (hypergeometric, Benjamini-Hochberg)
 * and set beside the known determinants of pri-miRNA processing. */

/* Landmarks: boundaries between two nucleotides. */
enum mrl_landmark {
    MRL_LM_DROSHA5 = 0, /* Drosha's cut 5' of the 5p strand (before duplex[0]) */
    MRL_LM_DICER5,      /* Dicer's cut 3' of the 5p strand (after duplex[1]) */
    MRL_LM_LOOP5,       /* between the terminal loop's closing '(' and the loop */
    MRL_LM_LOOP3,       /* between the loop and its closing ')' */
    MRL_LM_DICER3,      /* Dicer's cut 5' of the 3p strand (before duplex[2]) */
    MRL_LM_DROSHA3,     /* Drosha's cut 3' of the 3p strand (after duplex[3]) */
    MRL_NLANDMARKS
};
/* Where a nucleotide lies: 5' arm (up to the loop's closing '('), loop, 3' arm. */
enum mrl_arm { MRL_ARM_5P = 0, MRL_ARM_LOOP, MRL_ARM_3P };

/* "drosha-5p" "dicer-5p" "loop-5p" "loop-3p" "dicer-3p" "drosha-3p"; "5p" "loop" "3p";
 * "?" out of range. */
const char *mrl_landmark_name(int lm);
const char *mrl_arm_name(int arm);

/* The landmarks of a hairpin: b[l] = index of the first nucleotide 3' of landmark l, from
 * the terminal loop's closing pair (loop_open, loop_close) (mrl_hairpin_t) and the miRNA
 * duplex {s5, e5, s3, e3} (mrl_duplex_regions; NULL or all -1: none, the cut landmarks get
 * -1). Returns the number of landmarks placed (2 or 6). */
int mrl_landmarks(int loop_open, int loop_close, const int *duplex, int b[MRL_NLANDMARKS]);
/* Offset of nucleotide p from a landmark at boundary b, in nt along the sequence with no
 * zero: the first nucleotide 3' of it is +1, the first 5' of it -1 (so the basal UG sits
 * at -14 and -13 of MRL_LM_DROSHA5). */
int mrl_landmark_offset(int b, int p);
/* The landmark nearest to p (smallest |offset|; a tie goes to the lower enum value) into
 * *lm and its offset into *off; returns p's enum mrl_arm. */
int mrl_landmark_nearest(const int b[MRL_NLANDMARKS], int loop_open, int loop_close, int p, int *lm,
                         int *off);

/* One hairpin as the discovery takes it (owned by its mrl_motif_data_t). */
typedef struct mrl_motif_hp {
    char *id;  /* name */
    char *seq; /* (n + 1) letters */
    size_t n;
    int *partner;  /* (n) its fold's pair table, -1 unpaired; NULL: not given (then no
                      determinant is placed on it) */
    int loop[2];   /* the terminal loop's closing pair (mrl_hairpin_t.loop_open, _close) */
    int duplex[4]; /* its miRNA duplex {s5, e5, s3, e3}, 0-based inclusive; all -1: none */
    float *attr;   /* (n) per-nucleotide attribution (mrl_explain_nucleotides) */
    float prob;    /* P(pre-miRNA) of the network the attributions came from; NAN unknown */
} mrl_motif_hp_t;

typedef struct mrl_motif_data {
    size_t n, cap;
    mrl_motif_hp_t *hp; /* (n) */
    int method;         /* enum mrl_explain_method of the attributions, -1 when given */
} mrl_motif_data_t;

/* An empty collection (a zeroed struct is one too); release frees the hairpins. */
void mrl_motif_data_init(mrl_motif_data_t *d);
void mrl_motif_data_release(mrl_motif_data_t *d);
/* Append one hairpin (everything copied): seq (n letters), partner (n; its pair table, may
 * be NULL), its loop's closing pair (0 <= loop_open < loop_close < n), duplex (NULL: none),
 * attr (n). The hairpin may sit inside a longer window (flanks): when partner and duplex are
 * given and the closing pair does not lie between the duplex's arms (e5 <= loop_open,
 * loop_close <= s3; an image drawn around another hairpin of the window), the loop landmarks
 * go to the closing pair of the hairpin loop between the arms nearest their middle, as
 * mrl_det_eval finds it (kept as given when there is none). Returns 0, MRL_ERR_ARG (naming
 * id and what is out of range, or a pair table that does not pair back) or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_motif_data_add(mrl_motif_data_t *d, const char *id, const char *seq,
                                      size_t n, const int *partner, int loop_open, int loop_close,
                                      const int *duplex, const float *attr);

typedef struct mrl_motif_collect_opts {
    mrl_explain_opts_t ex;          /* the method and its options (mrl_explain_opts_default) */
    const mrl_mature_tab_t *mature; /* mature positions (borrowed): the duplexes; NULL: none */
    int label;        /* records taken: 1 the positives (default), 0 the negatives, -1 all */
    int need_duplex;  /* 1 (default): only hairpins whose duplex was placed */
    int randomized;   /* 1: the attributions of a copy of the model with every layer
                         re-drawn (mrl_model_randomize_layer, seed ex.seed + MRL_SANITY_SEED_OFFSET, the
                         last step of the sanity cascade): the control; 0 (default) */
    mrl_nn_opts_t nn; /* the randomised copy's context (mrl_nn_opts_default) */
    int fold_threads; /* fold + draw workers (default 1) */
    void (*progress)(void *ctx, long done, long total); /* after each chunk; may be NULL */
    void *progress_ctx;
} mrl_motif_collect_opts_t;

void mrl_motif_collect_opts_default(mrl_motif_collect_opts_t *o);
/* Fold, draw and score the records of s (mrl_explain_set_add_fasta: the sequences and
 * labels are read from there; its results are not used) through the pipeline with the one
 * model of e, explain them with o->ex.method (on the randomised copy with o->randomized)
 * and append each kept hairpin (label, duplex as o asks; refused folds skipped) with its
 * per-nucleotide attributions to d. Returns 0, MRL_ERR_ARG (no sequences, an ensemble of
 * several models, bad options), or the pipeline's or explainer's error. */
MRL_MUST_CHECK int mrl_motif_collect(mrl_motif_data_t *d, const mrl_explain_set_t *s,
                                     mrl_ensemble_t *e, const mrl_motif_collect_opts_t *o);

#define MRL_MOTIF_MAXW 21 /* widest seqlet window */
#define MRL_MOTIF_NDET 6  /* the site determinants motifs are named after */

/* A site determinant of mrl_det_eval over the hairpins of a discovery: the ones with letters
 * (basal UG, 5' U of the mature, GYM, apical UGU/GUG, mGHG, CNNC), placed on each hairpin
 * with a pair table and a duplex by mrl_det_eval's mask. */
typedef struct mrl_motif_det {
    int det;             /* enum mrl_det */
    const char *pattern; /* its letters, IUPAC, '|' between alternatives ("UGU|GUG"); static */
    int landmark;        /* the landmark its mask's ends move least from over the hairpins
                            (enum mrl_landmark), -1 when visible on none */
    int off_lo, off_hi;  /* the mask's offsets from it (mrl_landmark_offset), over them */
    long placed;         /* hairpins with a pair table and a duplex */
    long visible;        /* of them where mrl_det_eval sees it inside the sequence */
    long present;        /* of them where it is present */
} mrl_motif_det_t;

typedef struct mrl_motif_opts {
    int width;       /* seqlet window in nt, odd, 3..MRL_MOTIF_MAXW (default 7) */
    double top;      /* seqlet centres: local maxima of a hairpin's attribution share (attr
                        over the hairpin's sum of |attr|) at or above the (1 - top) quantile
                        of all shares of the set (default 0.05) */
    int sign;        /* 0: |share| (default); +1 positive shares only; -1 negative only */
    int shift;       /* windows are aligned by up to +-shift nt (default 1) */
    int mismatch;    /* most mismatches of a member to its seed, and of a window to a
                        motif's consensus (default 2) */
    int offset_tol;  /* members share their seed's landmark and lie within +-offset_tol nt
                        of its offset; the test counts windows in that range (default 3);
                        -1: sequence only, any landmark or offset */
    int min_seqlets; /* smallest motif kept, in discovery seqlets (default 5) */
    int max_motifs;  /* most motifs kept (default 50) */
    double alpha;    /* Benjamini-Hochberg false discovery rate of "significant" (0.05) */
    uint64_t seed;   /* the hairpins' split into a discovery and a test half (default 1) */
} mrl_motif_opts_t;

void mrl_motif_opts_default(mrl_motif_opts_t *o);

typedef struct mrl_seqlet {
    size_t hp;    /* its hairpin (index into mrl_motif_data_t.hp) */
    int pos;      /* centre, 0-based */
    int landmark; /* nearest landmark of the centre (enum mrl_landmark) */
    int offset;   /* the centre's offset from it (mrl_landmark_offset) */
    int arm;      /* enum mrl_arm */
    float score;  /* the window's summed share (|share| or the signed one, as o->sign) */
    int half;     /* 0 discovery, 1 test */
    int motif;    /* the motif it joined (discovery half), else -1 */
    int shift;    /* its window's alignment in that motif (nt) */
} mrl_seqlet_t;

typedef struct mrl_motif {
    int width;
    double count[MRL_MOTIF_MAXW][4];    /* A C G U of the aligned discovery seqlets */
    char consensus[MRL_MOTIF_MAXW + 1]; /* IUPAC: a letter >= 60%, two letters >= 80%, N */
    int n_seqlets, n_hairpins;          /* discovery seqlets and their distinct hairpins */
    int landmark, offset;         /* the modal landmark and centre offset of the aligned members */
    int off_min, off_max;         /* the centre offsets of the members at that landmark */
    int lm_count[MRL_NLANDMARKS]; /* members by landmark of their aligned centre */
    /* the test on the held-out half, windows centred at the landmark's offsets in range
     * (offset +- offset_tol; all of the landmark's with offset_tol < 0): */
    long n_windows, n_match;        /* all windows there, those matching the consensus */
    long n_test, n_test_match;      /* seqlets there, those matching it */
    double enrichment;              /* (n_test_match / n_test) / (n_match / n_windows), NaN */
    double pos_enrichment;          /* share of the half's seqlets there over the share of its
                                       windows there: attention to the place, any sequence */
    double p, q;                    /* hypergeometric P(X >= n_test_match); BH q over motifs */
    int significant;                /* q < alpha and enrichment > 1 */
    int determinant;                /* nearest site determinant (enum mrl_det), -1 none:
                                       per hairpin, the nt between the motif's window and the
                                       determinant's mrl_det_eval mask, both from the motif's
                                       landmark; nearest by the (lower) median over the
                                       hairpins where it is visible */
    int det_gap;                    /* that median, nt (0: the window meets the mask in at
                                       least half of them), -1 none */
    double det_overlap;             /* share of them where the window meets the mask */
    int det_position, det_sequence; /* 1: det_gap is 0; and its letters fit in the window
                                       inside the mask in at least half of them, with the
                                       consensus letters there within its letters */
} mrl_motif_t;

typedef struct mrl_motif_result {
    mrl_motif_opts_t opts;
    double threshold;     /* the share a seqlet centre reached at least */
    size_t n_hp[2];       /* hairpins in the discovery and the test half */
    mrl_seqlet_t *seqlet; /* (n_seqlets) by hairpin, then position */
    size_t n_seqlets;
    size_t n_windows[2]; /* windows of each half (the test's universe) */
    size_t n_half_seqlets[2];
    mrl_motif_t *motif; /* (n_motifs) in the order found (greedy, strongest seed first) */
    size_t n_motifs;
    int n_significant;
    mrl_motif_det_t det[MRL_MOTIF_NDET]; /* the site determinants over all the hairpins */
} mrl_motif_result_t;

/* Seqlets of every hairpin of d, landmark-aligned, clustered and tested as o says (NULL =
 * defaults) into *r (released first), each motif set beside the site determinants
 * (r->det: mrl_det_eval on every hairpin with a pair table and a duplex). Deterministic:
 * the same inputs and seed give the same result. Returns 0, MRL_ERR_ARG (bad options, no
 * hairpins, or mrl_det_eval's refusal of a hairpin) or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_motif_discover(const mrl_motif_data_t *d, const mrl_motif_opts_t *o,
                                      mrl_motif_result_t *r);
void mrl_motif_result_release(mrl_motif_result_t *r);

/* One discovery run for the report: a method's attributions from one network. */
typedef struct mrl_motif_run {
    const char *method;  /* its name (mrl_explain_method_name) */
    const char *network; /* "model" or "random" (the control) */
    const mrl_motif_data_t *data;
    const mrl_motif_result_t *res;
} mrl_motif_run_t;

/* The report of n runs into dir (created): motifs.tsv (one row per motif), seqlets.tsv,
 * determinants.tsv (each known determinant: where it can be seen, its nearest motif),
 * logos/RUN.motifK.svg (sequence logos with offsets from the landmark) and index.html.
 * title: a line for the page (may be NULL). Every file is written atomically. Returns 0,
 * MRL_ERR_IO or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_report_motifs_write(const char *dir, const mrl_motif_run_t *runs, int n,
                                           const char *title);

/* ================================================== concept tests (TCAV) == */

/* Testing with Concept Activation Vectors (Kim et al. 2018; src/explain/tcav.c,
 * `mirlens explain --concepts`). A concept is a set of examples (images) flagged among a
 * pool; at a layer l, its CAV is the normal of an L2-regularised logistic regression that
 * separates the post-ReLU activations of concept examples from those of counterpart
 * examples of the same pool without the concept; the TCAV score of the CAV is the fraction
 * of the class inputs whose directional derivative of the score (the target's logit or the
 * margin) along the CAV is positive. A concept's statistic T is the mean TCAV score of
 * `reps` CAVs, each on fresh subsets of min(examples, counterparts, max_n) per side. The
 * null: `runs` random concepts of the same pool (a random subset of the concept's size
 * against the rest), each given its statistic the same way; p is two-sided, from T against
 * the random concepts' statistics by a Monte-Carlo test (mrl_mc_pvalue: exact under the null,
 * whatever the null's shape; at least 1 / (runs + 1)). Kim et al. compare concept CAVs with
 * random CAVs by a t-test over runs; with a fixed concept set that test counts the runs'
 * subsampling noise only and calls a random membership significant, and the random
 * concepts' statistics are far from normal (TCAV scores pile up at 0 and 1), so the null
 * here is made of random concepts and read off empirically.
 * Benjamini-Hochberg q-values over every tested concept x layer.
 *
 * The solver works on Gram matrices: activations are centred on the pool's mean and
 * scaled to a mean squared norm of 1, then every CAV is w = sum_i alpha_i x_i over its
 * training examples (representer theorem), so each layer's activations are read once and
 * each fit costs O(n^2) in the examples, not in the layer's width. */

#define MRL_TCAV_MAX_REPS 64

/* What a CAV is scored by. The TCAV score counts signs only: where the score's gradient at
 * a layer points the same way for nearly every input, most directions, random ones too,
 * score near 0 or 1, and the random concepts' spread leaves no room for a significant one;
 * the mean derivative keeps the size of the effect. */
enum mrl_tcav_stat {
    MRL_TCAV_STAT_SIGN = 0, /* Kim et al.'s TCAV score: the fraction of class inputs whose
                               directional derivative along the CAV is > 0 */
    MRL_TCAV_STAT_DERIV = 1 /* the mean directional derivative over the class inputs along
                               the unit CAV, in the layer's centred activations scaled to a
                               mean squared norm of 1 (score units per unit of that norm) */
};

typedef struct mrl_tcav_opts {
    const int *layers; /* layers to test (borrowed; post-ReLU: a conv or dense layer directly
                          followed by ReLU is read at the ReLU), n_layers of them; NULL
                          (default): mrl_tcav_default_layers */
    int n_layers;
    int runs;          /* random concepts per concept x layer (default 200; >= 3) */
    int reps;          /* CAVs per concept and per random concept (default 3; 1..64) */
    int max_n;         /* examples per side of a CAV at most (default 50) */
    int min_n;         /* a concept with fewer examples, or fewer counterparts, in its pool
                          is not tested (default 10; at least 2) */
    double holdout;    /* fraction of each side held out for the CAV's accuracy (default
                          0.2; in [0, 0.5]; at least one example per side when > 0) */
    double l2;         /* weight of (l2 / 2) |w|^2 against the mean logistic loss, on the
                          centred, scaled activations (default 0.01) */
    int iters;         /* accelerated gradient steps of each fit (default 100) */
    int target;        /* class of the score (default 1, pre-miRNA) */
    int margin;        /* 1 (default): the margin z_target - mean of the other logits (z1 -
                          z0 for two classes); 0: the target's logit z_target */
    int stat;          /* enum mrl_tcav_stat (default MRL_TCAV_STAT_SIGN) */
    double alpha;      /* false discovery rate of the verdict (default 0.05) */
    uint64_t seed;     /* subsets of concept c come from PCG32(seed, stream c), the same at
                          every layer (default 1) */
    void (*progress)(void *ctx, int layers_done, int n_layers); /* may be NULL */
    void *progress_ctx;
} mrl_tcav_opts_t;

void mrl_tcav_opts_default(mrl_tcav_opts_t *o);

/* The default layers of arch a: every ReLU layer that directly follows a convolution or a
 * dense layer, below the output (the paper's network: 1 3 7 9 13 15 20). layers (room for
 * MRL_NN_MAX_LAYERS, may be NULL) gets them in order. Returns their count. */
int mrl_tcav_default_layers(const mrl_arch_t *a, int *layers);

/* Activations act (n, D) and gradients grad (n, D) of the score (o->target, o->margin) at
 * the output of `layer` for images x (N,C,H,W), D the size of the layer's output (C*H*W);
 * either output may be NULL. Runs in chunks of 32 images through nn (the context of m).
 * Returns 0, MRL_ERR_ARG (a layer that cannot be read: out of range, the output layer, or a
 * conv/dense layer fused with its ReLU; a bad target) or the engine's error. */
MRL_MUST_CHECK int mrl_tcav_layer_read(mrl_nn_t *nn, const mrl_model_t *m, const float *x,
                                       size_t n, int layer, const mrl_tcav_opts_t *o,
                                       float *act, float *grad);

/* Fit one CAV on n examples idx[0..n) with labels y (+1 concept, -1 counterpart) whose
 * Gram matrix entries are K[idx[i] * ld + idx[j]] (dot products of the examples'
 * features): minimises (1/n) sum_i log(1 + exp(-y_i f_i)) + (l2 / 2) |w|^2 with
 * f_i = w.x_i + b and w = sum_i alpha[i] x_idx[i], by Nesterov-accelerated gradient descent
 * (o->iters steps of size 1 / (trace / (4 n) + 1/4 + l2), a Lipschitz bound). alpha (n)
 * and *b are the result. Deterministic. Returns 0 or MRL_ERR_ARG (n < 2, a label not +-1,
 * l2 <= 0). */
MRL_MUST_CHECK int mrl_cav_fit(const double *K, size_t ld, const size_t *idx, const int8_t *y,
                               size_t n, const mrl_tcav_opts_t *o, double *alpha, double *b);

/* Two-sided Monte-Carlo p-value of statistic t against n draws of its null: (1 + k) /
 * (n + 1), k the draws at least as far from the draws' mean as t (ties within rounding
 * count). NaN for n = 0 or a NaN t. */
double mrl_mc_pvalue(double t, const double *null, size_t n);

/* Benjamini-Hochberg adjusted p-values (q-values) of p[0..n) into q (may alias p): q_(i) =
 * min over j >= i of p_(j) n' / j over the n' finite p-values sorted increasingly, capped at
 * 1; NaN stays NaN and is not counted. Returns 0 or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_bh_adjust(const double *p, size_t n, double *q);

/* A concept: member (N entries, borrowed) 1 = a concept example, 0 = a counterpart (in the
 * pool without the concept), -1 = outside the pool (e.g. where the concept cannot be seen). */
typedef struct mrl_concept {
    const char *name;     /* borrowed */
    const int8_t *member; /* (N) */
} mrl_concept_t;

enum mrl_tcav_verdict {
    MRL_TCAV_UNTESTED = -1,   /* too few examples or counterparts (min_n) */
    MRL_TCAV_NS = 0,          /* not significant at q < alpha */
    MRL_TCAV_SIGNIFICANT = 1  /* significant: its scores differ from the random CAVs' */
};
/* "untested", "not-significant", "significant"; "?" out of range. */
const char *mrl_tcav_verdict_name(int v);

typedef struct mrl_tcav_row {
    int concept, layer;          /* index into the concepts; network layer */
    long n_concept, n_random;    /* concept examples; counterparts in its pool */
    int n_side;                  /* examples per side of each CAV: min(both, max_n) */
    double cav_accuracy;         /* held-out accuracy of the concept CAVs, mean over reps
                                    (NaN with holdout 0) */
    double tcav_mean, tcav_sd;   /* the concept's statistic (the mean score, o->stat, of its
                                    reps CAVs) and the sd over those CAVs */
    double random_mean, random_sd; /* the random concepts' statistics: mean, sd */
    double p, q;                 /* Monte-Carlo two-sided p; BH q over the tested rows */
    int verdict;                 /* enum mrl_tcav_verdict */
} mrl_tcav_row_t;

typedef struct mrl_tcav {
    int n_concepts, n_layers, runs, reps;
    int stat;              /* enum mrl_tcav_stat of the scores */
    int layers[MRL_NN_MAX_LAYERS];
    long n_class;          /* class inputs whose directional derivatives count */
    mrl_tcav_row_t *row;   /* (n_concepts * n_layers) concept-major (owned) */
    float *scores;         /* (n_concepts * n_layers, reps + runs): each row's concept CAVs'
                              scores, then each random concept's statistic (owned) */
    double alpha, seconds;
} mrl_tcav_t;

/* Run the concept tests of concepts c[0..nc) over the n images x (N,C,H,W) (normalised for
 * m) with the network nn (m's context): cls (N) flags the class inputs (1) whose
 * directional derivatives are counted. Each layer's activations (n x D floats) are held at
 * once. Results into *out (released first; mrl_tcav_release frees). Returns 0,
 * MRL_ERR_ARG (no class input, n < 2, a bad layer or option, the message names it),
 * MRL_ERR_NOMEM or the engine's error. */
MRL_MUST_CHECK int mrl_tcav_run(mrl_nn_t *nn, const mrl_model_t *m, const float *x, size_t n,
                                const uint8_t *cls, const mrl_concept_t *c, int nc,
                                const mrl_tcav_opts_t *o, mrl_tcav_t *out);
void mrl_tcav_release(mrl_tcav_t *t);

/* Membership of one hairpin in the determinant concepts (mrl_det_eval): member[d] = 1 where
 * determinant d is present, 0 where it is visible but absent, -1 where it cannot be seen or
 * without a duplex (duplex NULL or duplex[0] < 0). Returns 0 or mrl_det_eval's error. */
MRL_MUST_CHECK int mrl_tcav_det_member(const char *seq, const int *partner, size_t n,
                                       const int *duplex, int8_t member[MRL_NDET]);

/* concepts.tsv of a run: concept layer n_concept n_random cav_accuracy tcav_mean tcav_sd
 * random_mean random_sd p q verdict (names[c] the concepts' names; temporary file + rename),
 * and the page concepts.html (the table, one row per concept x layer, and how it was made:
 * title and note are printed as escaped text, note may be NULL). Return 0 or
 * MRL_ERR_IO / MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_report_tcav_tsv(const char *path, const mrl_tcav_t *t,
                                       const char *const *names);
MRL_MUST_CHECK int mrl_report_tcav_html(const char *path, const mrl_tcav_t *t,
                                        const char *const *names, const char *title,
                                        const char *note);
/* ========================================================== end of concept tests == */

/* ============================== ROAR: remove the top-attributed, retrain (issue 26 R) == */

/* RemOve And Retrain (Hooker, Erhan, Kindermans & Kim 2019, "A benchmark for
 * interpretability methods in deep neural networks"): every training and test hairpin is
 * attributed by a trained model, the top fraction k of its drawn nucleotides is erased to
 * white (mrl_encode_masked, MRL_MASK_WHITE, as the faithfulness curves erase), a fresh
 * network is trained on the degraded training images with one fixed recipe and scored on
 * the degraded test images. A method whose removal costs more accuracy than removing the
 * same number of nucleotides at random found more of what the task needs (src/explain/roar.c). */
#define MRL_ROAR_RANDOM (-1) /* the "method" of the random baseline */
#define MRL_ROAR_MAX_METHODS 16

/* The order in which the drawn positions of hairpin h (those with a bar in a column < used,
 * as mrl_faith_curves counts them) of an n-letter sequence are removed, into order (n
 * entries at least): with attr (n values) highest first, ties by lower position (as
 * mrl_faith_curves); attr NULL: a uniform random order, a Fisher-Yates shuffle of the
 * ascending positions drawn from rng. Returns the number of drawn positions nd (>= 0),
 * MRL_ERR_ARG (a map that does not fit n, a NaN attribution) or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_roar_order(const mrl_hairpin_t *h, size_t n, const float *attr,
                                  mrl_rng_t *rng, int *order);
/* How many of nd drawn nucleotides fraction k removes: round(k nd), halves up, exactly
 * (k in [0, 1]; k = 1 removes all of them). */
int mrl_roar_count(double k, int nd);

/* A set of hairpins, their labels and names, and per method the order in which each
 * hairpin's nucleotides are removed. Caller-owned; mrl_roar_set_init / _release. */
typedef struct mrl_roar_set {
    size_t n;           /* hairpins */
    mrl_hairpin_t *hp;  /* (n) image and column map of each */
    size_t *len;        /* (n) sequence lengths */
    int8_t *labels;     /* (n) 0/1 */
    char **names;       /* (n) record ids */
    int *nd;            /* (n) drawn positions of each hairpin */
    size_t *off;        /* (n + 1) offsets of each hairpin's order in order[j] (sum of nd) */
    long n_refused;     /* records whose fold has no hairpin loop (not added) */
    int n_methods;      /* orders computed (mrl_roar_set_rank) */
    int methods[MRL_ROAR_MAX_METHODS]; /* enum mrl_explain_method or MRL_ROAR_RANDOM */
    int *order[MRL_ROAR_MAX_METHODS];  /* (off[n]) removal orders, hairpin after hairpin */
    size_t cap;         /* internal */
} mrl_roar_set_t;

void mrl_roar_set_init(mrl_roar_set_t *s);
void mrl_roar_set_release(mrl_roar_set_t *s);
/* Append hairpin h (copied) of an n-letter sequence with its label (0/1) and name (copied).
 * Only before mrl_roar_set_rank. Returns 0, MRL_ERR_ARG or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_roar_set_add(mrl_roar_set_t *s, const mrl_hairpin_t *h, size_t n,
                                    int label, const char *name);
/* Append every record of a FASTA file, folded and drawn by the pipeline of e (chunks of 32;
 * fe NULL = defaults), with label; records without a hairpin loop are counted in
 * s->n_refused. Returns 0 or the first error (message names the file and record). */
MRL_MUST_CHECK int mrl_roar_set_add_fasta(mrl_roar_set_t *s, mrl_ensemble_t *e,
                                          const char *path, int label, const mrl_fe_opts_t *fe);
/* How mrl_roar_set_rank orders. */
typedef struct mrl_roar_rank_opts {
    mrl_explain_opts_t ex; /* the attribution options (ex.method is set per method; the
                              explained score is ex.target's logit for every image) */
    int magnitude;         /* 1 (default): every method ranks by |value| (what moves the
                              score most either way: label-blind, as ROAR removes "the most
                              important" features); 0: a contribution method
                              (mrl_explain_method_is_contribution) by value, highest first,
                              the others by magnitude (as mrl_faith_hairpin ranks) */
    uint64_t seed;         /* random baseline: hairpin i's order from PCG32(seed, stream0 + i) */
    uint64_t stream0;      /* (defaults 1 and 0; ex.seed, the attribution's, is separate) */
} mrl_roar_rank_opts_t;

void mrl_roar_rank_opts_default(mrl_roar_rank_opts_t *o);

/* Compute the removal orders of every hairpin for methods[0..n_methods) (appended after
 * those already there; at most MRL_ROAR_MAX_METHODS in all) with options o (NULL =
 * defaults): an attribution method's map by model 0 of e, through
 * mrl_pipeline_run_images and mrl_explain in chunks of 32, read out per nucleotide
 * (mrl_explain_nucleotides of the channel sum) and ranked as o->magnitude says (ties by
 * lower position); MRL_ROAR_RANDOM: a random order per hairpin (e may then be NULL).
 * Returns 0, MRL_ERR_ARG (unknown method, too many, empty set, no scorer) or an engine /
 * explain error. */
MRL_MUST_CHECK int mrl_roar_set_rank(mrl_roar_set_t *s, mrl_ensemble_t *e, const int *methods,
                                     int n_methods, const mrl_roar_rank_opts_t *o);
/* The degraded image set of slot j (s->methods[j]) at fraction k in [0, 1]: each hairpin's
 * image with the first mrl_roar_count(k, nd) positions of its order erased to white, with
 * the set's labels and names. *erased (may be NULL) gets the nucleotides erased in all.
 * k = 0 gives the images unchanged. Caller frees *out with mrl_imageset_free. Returns 0,
 * MRL_ERR_ARG or MRL_ERR_NOMEM. */
MRL_MUST_CHECK int mrl_roar_set_degrade(const mrl_roar_set_t *s, int j, double k,
                                        mrl_imageset_t **out, long *erased);
/* Write image set s as BASE.u8 (raw (n,25,100,3) bytes, the layout of cordero_images and
 * `mirlens encode -f u8`), BASE.labels (when s has labels) and BASE.names (when it has
 * names), each atomically, so that mrl_imageset_load(BASE) reads it back. Returns 0,
 * MRL_ERR_ARG or MRL_ERR_IO. */
MRL_MUST_CHECK int mrl_imageset_write(const mrl_imageset_t *s, const char *base);

/* The ROAR retraining recipe, the same for every row: mrl_train_opts_default with the
 * paper's training without pretraining (models/train_default.sh --no-pretrain): Adam at lr
 * 1e-3, 10% of the training images held out (stratified), up to 100 epochs with early
 * stopping after 8 without a lower validation loss (best epoch kept), seed 1. */
void mrl_roar_train_opts_default(mrl_train_opts_t *o);

/* One retraining of the ROAR recipe: a fresh network of architecture a (mrl_model_new with
 * o->seed) trained on tr with options o (mrl_train; o->val_split holds out its validation
 * images), then scored on te: accuracy at MRL_DEFAULT_THRESHOLD and AUROC (of the logit
 * margins) into met. *out (may be NULL) receives the trained model (caller frees).
 * Returns 0 or an error of mrl_model_new / mrl_train / the engine. */
MRL_MUST_CHECK int mrl_roar_retrain(const mrl_arch_t *a, const mrl_imageset_t *tr,
                                    const mrl_imageset_t *te, const mrl_train_opts_t *o,
                                    mrl_metrics_t *met, mrl_model_t **out);

/* The ROAR curves as an SVG line chart (src/report/roar.c): y[s] (np values over the
 * increasing fractions x[0..np), x[0] = 0 the intact images; NaN leaves a gap) of series
 * names[s], s < ns, titled title with ylabel; err NULL, or err[s][k] the half-width of an
 * error bar at y[s][k] (NaN: none), e.g. the sd over training seeds. Written atomically.
 * Returns 0, MRL_ERR_ARG or MRL_ERR_IO. */
MRL_MUST_CHECK int mrl_report_roar_svg(const char *path, const char *title, const char *ylabel,
                                       const double *x, int np, int ns, const char *const *names,
                                       const double *const *y, const double *const *err);
/* ======================== end of ROAR: remove the top-attributed, retrain (issue 26 R) == */

#ifdef __cplusplus
}
#endif
#endif /* MIRLENS_H */
