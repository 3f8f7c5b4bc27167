/*
 * test_io_robust.c - the readers and messages against the bad inputs of issue 25 (items
 * 3, 5, 6) and what tests/fuzz found: unbalanced given structures refused with the record
 * and column; a full disk reported as such by the atomic writer; control bytes and broken
 * UTF-8 escaped in every message; a UTF-8 byte-order mark skipped and LF, CR LF and lone
 * CR line ends read (FASTA, structures, mature tables, energy files, image-set side files;
 * a CR LF split across the reader's 128 KiB blocks); a truncated gzip input (also one cut
 * inside its trailer, and a second member) naming record and line; long lines handed out
 * in pieces no larger than asked; mature-table lines of one hairpin that disagree.
 */
#include <errno.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "test.h"
#include "fold/params.h"
#include "util/util.h"

static char dir[] = "/tmp/mirlens_io_robust.XXXXXX";

static const char *tpath(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void write_file(const char *name, const void *data, size_t n)
{
    FILE *fp = fopen(tpath(name), "wb");
    if (!fp || fwrite(data, 1, n, fp) != n || fclose(fp) != 0) {
        fprintf(stderr, "cannot write %s\n", tpath(name));
        exit(2);
    }
}

static void write_str(const char *name, const char *s)
{
    write_file(name, s, strlen(s));
}

/* No byte < 0x20 or 0x7f in s (what reaches a terminal). */
static int clean(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

/* ---- item 3: balanced structures ---------------------------------------------------- */

/* The first record of name: its mrl_dbn_read status (message in mrl_errmsg()); the
 * record's strings are copied (the reader that owns them is closed). */
static int dbn_first(const char *name, mrl_dbnrec_t *rec)
{
    static char id[256], seq[256], st[256];
    memset(rec, 0, sizeof *rec);
    mrl_dbn_t *r = NULL;
    int rc = mrl_dbn_open(&r, tpath(name), NULL);
    if (rc == 0)
        rc = mrl_dbn_read(r, rec);
    if (rc == 1) {
        snprintf(id, sizeof id, "%s", rec->id);
        snprintf(seq, sizeof seq, "%s", rec->seq);
        snprintf(st, sizeof st, "%s", rec->structure);
        rec->id = id, rec->seq = seq, rec->structure = st;
    }
    mrl_dbn_close(r);
    return rc;
}

static void test_unbalanced(void)
{
    mrl_dbnrec_t rec;
    /* the probe's two structures; the first bracket without a partner, by hand:
     * ((((....))((  opens 1-4, 11-12; 9,10 close 4,3: 1, 2, 11, 12 unmatched -> column 1
     * ((((....)).)  9,10 close 4,3; 12 closes 2: 1 unmatched -> column 1 */
    write_str("u1.tsv", "u1\tGGGGAAAACCCC\t((((....))((\n");
    CHECK_INT(dbn_first("u1.tsv", &rec), MRL_ERR_PARSE);
    CHECK(strstr(mrl_errmsg(), "u1.tsv: record 'u1' line 1: unbalanced structure: '(' at "
                               "column 1 has no matching ')'") != NULL);
    write_str("u2.out", ">u2 desc\nGGGGAAAACCCC\n((((....)).) (-1.00)\n");
    CHECK_INT(dbn_first("u2.out", &rec), MRL_ERR_PARSE);
    CHECK(strstr(mrl_errmsg(), "record 'u2' line 3: unbalanced structure: '(' at column 1") !=
          NULL);
    /* a ')' before any '(' is the first offender even when '(' are unmatched later */
    write_str("u3.tsv", "u3\tGGGGAAAACCCC\t(..))((....(\n");
    CHECK_INT(dbn_first("u3.tsv", &rec), MRL_ERR_PARSE);
    CHECK(strstr(mrl_errmsg(), "')' at column 5 has no matching '('") != NULL);
    /* .(..(      opens 2 and 5, nothing closes: column 2
     * ((...))(.  6,7 close 2,1; 8 opens and stays open: column 8 */
    write_str("u4.tsv", "u4\tGAAAC\t.(..(\n");
    CHECK_INT(dbn_first("u4.tsv", &rec), MRL_ERR_PARSE);
    CHECK(strstr(mrl_errmsg(), "'(' at column 2 has no matching ')'") != NULL);
    write_str("u5.tsv", "u5\tGGAAACCGA\t((...))(.\n");
    CHECK_INT(dbn_first("u5.tsv", &rec), MRL_ERR_PARSE);
    CHECK(strstr(mrl_errmsg(), "'(' at column 8 has no matching ')'") != NULL);
    /* balanced ones still read */
    write_str("ok.tsv", "id\tsequence\tstructure\nok\tGGGGAAAACCCC\t((((....))))\n");
    CHECK_INT(dbn_first("ok.tsv", &rec), 1);
    CHECK_STR(rec.structure, "((((....))))");
    /* a bad structure character: its column, shown safely */
    write_str("u6.tsv", "u6\tGGGAAACCC\t(((.x.)))\n");
    CHECK_INT(dbn_first("u6.tsv", &rec), MRL_ERR_PARSE);
    CHECK(strstr(mrl_errmsg(), "line 1 column 5: invalid character 'x' in structure") != NULL);
}

/* ---- item 5: a full disk ------------------------------------------------------------ */

static void test_enospc(void)
{
    const char *mnt = tpath("tmpfs");
    mkdir(mnt, 0700);
    if (mount("tmpfs", mnt, "tmpfs", 0, "size=64k") != 0) {
        TEST_SKIP("no 64 KiB tmpfs to fill (mount: %s; needs root)", strerror(errno));
        return;
    }
    char out[600];
    snprintf(out, sizeof out, "%s/big.bin", mnt);
    mrl_atomic_t af;
    CHECK_INT(mrl_atomic_open(&af, out), 0);
    static char block[4096];
    memset(block, 'x', sizeof block);
    for (int k = 0; k < 64; k++) /* 256 KiB into 64 KiB */
        (void)fwrite(block, 1, sizeof block, af.fp);
    (void)fflush(af.fp); /* the failed writes flushed: nothing left for commit to write */
    errno = 0;           /* and their errno gone, as after other calls */
    CHECK_INT(mrl_atomic_commit(&af), MRL_ERR_IO);
    CHECK(strstr(mrl_errmsg(), "cannot write") && strstr(mrl_errmsg(), "big.bin"));
    CHECK(strstr(mrl_errmsg(), "No space left on device") != NULL);
    /* nothing left behind: neither the file nor its temporary */
    char cmd[700];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", mnt);
    CHECK_INT(system(cmd), 0);
    /* a small file still fits and commits */
    CHECK_INT(mrl_atomic_open(&af, out), 0);
    fputs("small\n", af.fp);
    CHECK_INT(mrl_atomic_commit(&af), 0);
    unlink(out);
    CHECK_INT(umount(mnt), 0);
    rmdir(mnt);
}

/* ---- temporaries removed on a signal: mrl_atomic_remove_all --------------------------- */

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static void test_remove_all(void)
{
    /* 70 files open at once: the first 64 are tracked, the rest written but not tracked */
    enum { N = 70 };
    static mrl_atomic_t af[N];
    static char tmp[N][600];
    for (int k = 0; k < N; k++) {
        char name[32];
        snprintf(name, sizeof name, "ra%02d.txt", k);
        CHECK_INT(mrl_atomic_open(&af[k], tpath(name)), 0);
        snprintf(tmp[k], sizeof tmp[k], "%s", af[k].tmp);
        fputs("x\n", af[k].fp);
    }
    /* one committed and one aborted before: their slots are free, their files untouched */
    CHECK_INT(mrl_atomic_commit(&af[0]), 0);
    mrl_atomic_abort(&af[1]);
    CHECK(exists(tpath("ra00.txt")) && !exists(tmp[1]));
    mrl_atomic_remove_all();
    int gone = 0, kept = 0;
    for (int k = 2; k < N; k++)
        gone += !exists(tmp[k]), kept += exists(tmp[k]);
    CHECK_INT(gone, 64 - 2); /* slots of 2..63; 0 and 1 were freed after they were taken */
    CHECK_INT(kept, N - 64); /* 64..69 found no slot */
    for (int k = 64; k < N; k++)
        CHECK(exists(tmp[k]));
    CHECK(exists(tpath("ra00.txt"))); /* a committed output is never touched */
    for (int k = 2; k < N; k++)
        mrl_atomic_abort(&af[k]);
    /* every slot free again: a new file is tracked and removed */
    mrl_atomic_t b;
    CHECK_INT(mrl_atomic_open(&b, tpath("rb.txt")), 0);
    char bt[600];
    snprintf(bt, sizeof bt, "%s", b.tmp);
    CHECK(exists(bt));
    mrl_atomic_remove_all();
    CHECK(!exists(bt));
    CHECK_INT(mrl_atomic_commit(&b), MRL_ERR_IO); /* its temporary is gone: nothing renamed */
    CHECK(!exists(tpath("rb.txt")));
    unlink(tpath("ra00.txt"));
}

/* ---- item 6: messages, byte-order marks, line ends, truncated gzip ------------------ */

static void test_escape(void)
{
    char buf[64];
    CHECK_INT(mrl_err_escape(buf, sizeof buf, "a\rb\x1b[2J\x7f\tz"), 22);
    CHECK_STR(buf, "a\\x0db\\x1b[2J\\x7f\\x09z");
    /* UTF-8 kept whole, malformed bytes escaped: a lone continuation, a cut sequence, an
     * overlong form, a surrogate */
    mrl_err_escape(buf, sizeof buf,
                   "\xc3\xa9|\x80|\xe2\x82|\xc0\xaf|\xed\xa0\x80|\xf0\x9f\x98\x80");
    CHECK_STR(buf, "\xc3\xa9|\\x80|\\xe2\\x82|\\xc0\\xaf|\\xed\\xa0\\x80|\xf0\x9f\x98\x80");
    /* cut at a whole character: 7 bytes hold "ab" then not a 4-byte escape */
    CHECK_INT(mrl_err_escape(buf, 7, "ab\x01\x02"), 6);
    CHECK_STR(buf, "ab\\x01");
    CHECK_INT(mrl_err_escape(buf, 4, "\xc3\xa9\xc3\xa9"), 2);
    /* every message goes through it */
    CHECK_INT(mrl_err_set(MRL_ERR_PARSE, "x '%s' y", "bad\rname\xff"), MRL_ERR_PARSE);
    CHECK_STR(mrl_errmsg(), "x 'bad\\x0dname\\xff' y");
    /* a message re-using the previous one as an argument */
    CHECK_INT(mrl_err_set(MRL_ERR_IO, "outer: %s", mrl_errmsg()), MRL_ERR_IO);
    CHECK_STR(mrl_errmsg(), "outer: x 'bad\\x0dname\\xff' y");
}

/* All records of a FASTA file as "id=seq;" into out; the last status. */
static int fasta_all(const char *name, char *out, size_t cap)
{
    mrl_fasta_t *fa = NULL;
    mrl_seqrec_t rec;
    out[0] = '\0';
    int rc = mrl_fasta_open(&fa, tpath(name), NULL);
    while (rc == 0 && (rc = mrl_fasta_read(fa, &rec)) == 1) {
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%s=%s@%ld;", rec.id, rec.seq, rec.line);
        rc = 0;
    }
    mrl_fasta_close(fa);
    return rc;
}

static void test_fasta_inputs(void)
{
    char got[1024];
    /* BOM: the header is read as one (the probe got "invalid character" and a made-up id) */
    write_str("bom.fa", "\xef\xbb\xbf>hsa-mir-1 desc\nGGGGAAACCCC\n>b\nACGU\n");
    CHECK_INT(fasta_all("bom.fa", got, sizeof got), 0);
    CHECK_STR(got, "hsa-mir-1=GGGGAAACCCC@1;b=ACGU@3;");
    /* a BOM alone, or one in the middle of the file, is no BOM to skip */
    write_str("bom2.fa", ">a\n\xef\xbb\xbf"
                         "ACGU\n");
    CHECK_INT(fasta_all("bom2.fa", got, sizeof got), MRL_ERR_PARSE);
    CHECK(strstr(mrl_errmsg(), "record 'a' line 2 column 1: invalid character byte 0xef") != NULL);
    CHECK(clean(mrl_errmsg()));
    /* CR-only, CR LF and LF line ends, mixed; line numbers count each end once */
    write_str("cr.fa", ">a x\rGGGG\rAAAC\r>b\rUU\r");
    CHECK_INT(fasta_all("cr.fa", got, sizeof got), 0);
    CHECK_STR(got, "a=GGGGAAAC@1;b=UU@4;");
    write_str("mixed.fa", ">a\r\nGG\rCC\n\r\n>b\nAA\r\n");
    CHECK_INT(fasta_all("mixed.fa", got, sizeof got), 0);
    CHECK_STR(got, "a=GGCC@1;b=AA@5;");
    /* the probe's '\r' mid-line: now a line end, and no raw CR in any message */
    write_str("crmid.fa", ">a\nAC\rX1\n");
    CHECK_INT(fasta_all("crmid.fa", got, sizeof got), MRL_ERR_PARSE);
    CHECK(strstr(mrl_errmsg(), "record 'a' line 3 column 2: invalid character '1'") != NULL);
    /* a control byte in the sequence: named by value, line and column */
    write_str("esc.fa", ">a\nACGU\nAC\x1b[2JGU\n");
    CHECK_INT(fasta_all("esc.fa", got, sizeof got), MRL_ERR_PARSE);
    CHECK(strstr(mrl_errmsg(), "esc.fa: record 'a' line 3 column 3: binary data (byte 0x1b)") !=
          NULL);
    CHECK(clean(mrl_errmsg()));
    /* a non-ASCII byte in the sequence */
    write_str("utf.fa", ">a\nAC\xc3\xa9GU\n");
    CHECK_INT(fasta_all("utf.fa", got, sizeof got), MRL_ERR_PARSE);
    CHECK(strstr(mrl_errmsg(), "column 3: invalid character byte 0xc3 in sequence") != NULL);
}

/* A CR LF split by the reader's 128 KiB block: one line end, not two. */
static void test_crlf_block_edge(void)
{
    enum { BLOCK = 1 << 17 };
    size_t n = BLOCK + 64;
    char *buf = malloc(n);
    CHECK(buf != NULL);
    if (!buf)
        return;
    /* line 1: ">a " + padding up to byte BLOCK-2, CR at BLOCK-1, LF at BLOCK */
    memset(buf, ' ', BLOCK - 1);
    memcpy(buf, ">a", 2);
    buf[BLOCK - 1] = '\r';
    buf[BLOCK] = '\n';
    const char *rest = "ACGU\r\nAC!U\r\n";
    memcpy(buf + BLOCK + 1, rest, strlen(rest));
    write_file("edge.fa", buf, BLOCK + 1 + strlen(rest));
    char got[256];
    CHECK_INT(fasta_all("edge.fa", got, sizeof got), MRL_ERR_PARSE);
    CHECK(strstr(mrl_errmsg(), "record 'a' line 3 column 3: invalid character '!'") != NULL);
    free(buf);
}

static void test_gzip_truncated(void)
{
    /* r1 short, r2 150 lines of hard-to-compress letters: a cut at 60% lands in r2 */
    enum { LINES = 150, W = 60 };
    size_t cap = 64 + LINES * (W + 1);
    char *txt = malloc(cap);
    CHECK(txt != NULL);
    if (!txt)
        return;
    size_t n = (size_t)snprintf(txt, cap, ">r1\nACGU\n>r2 long\n");
    uint64_t x = 88172645463325252ull;
    for (int l = 0; l < LINES; l++) {
        for (int k = 0; k < W; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            txt[n++] = "ACGU"[x & 3];
        }
        txt[n++] = '\n';
    }
    uLongf zn = compressBound((uLong)n) + 64;
    unsigned char *gz = malloc(zn);
    z_stream z;
    memset(&z, 0, sizeof z);
    CHECK(gz && deflateInit2(&z, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    z.next_in = (Bytef *)txt, z.avail_in = (uInt)n, z.next_out = gz, z.avail_out = (uInt)zn;
    CHECK_INT(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t gn = zn - z.avail_out;
    deflateEnd(&z);
    write_file("whole.fa.gz", gz, gn);
    char got[64 * 1024];
    CHECK_INT(fasta_all("whole.fa.gz", got, sizeof got), 0);
    write_file("cut.fa.gz", gz, gn * 6 / 10);
    CHECK_INT(fasta_all("cut.fa.gz", got, sizeof got), MRL_ERR_CORRUPT);
    const char *msg = mrl_errmsg(), *at = strstr(msg, "cut.fa.gz: record 'r2' line ");
    CHECK(at != NULL);
    CHECK(strstr(msg, ": truncated gzip input") != NULL);
    long line = at ? strtol(at + strlen("cut.fa.gz: record 'r2' line "), NULL, 10) : 0;
    CHECK(line > 3 && line <= 3 + LINES);
    /* two members one after the other (bgzip, cat a.gz b.gz) read as one input; bytes
     * after the last member that are no member are ignored, as gzip -d does */
    unsigned char *two = malloc(2 * gn + 4);
    CHECK(two != NULL);
    if (two) {
        memcpy(two, gz, gn);
        memcpy(two + gn, gz, gn);
        memset(two + 2 * gn, 0, 4);
        write_file("two.fa.gz", two, 2 * gn + 4);
        static char all[64 * 1024];
        CHECK_INT(fasta_all("whole.fa.gz", got, sizeof got), 0);
        CHECK_INT(fasta_all("two.fa.gz", all, sizeof all), 0);
        CHECK(strncmp(all, got, strlen(got)) == 0); /* then the same records again */
        CHECK(strncmp(all + strlen(got), "r1=ACGU@", 8) == 0);
        CHECK(strstr(all + strlen(got), ";r2=") != NULL);
        /* the second member cut inside its trailer (the last 3 bytes of 8 missing) */
        write_file("two_cut.fa.gz", two, 2 * gn - 3);
        CHECK_INT(fasta_all("two_cut.fa.gz", all, sizeof all), MRL_ERR_CORRUPT);
        CHECK(strstr(mrl_errmsg(), "truncated gzip input") != NULL);
        free(two);
    }
    /* cut inside the first record's lines: r1 named */
    write_file("cut1.fa.gz", gz, 14);
    CHECK(fasta_all("cut1.fa.gz", got, sizeof got) < 0);
    CHECK(strstr(mrl_errmsg(), "truncated gzip input") != NULL);
    free(gz);
    free(txt);
}

/* A line longer than the piece size comes in pieces of at most max letters. */
static void test_read_part_long_line(void)
{
    enum { LEN = 5000, MAX = 1000 };
    char *txt = malloc(LEN + 32), *back = malloc(LEN + 1);
    CHECK(txt && back);
    if (!txt || !back)
        return;
    size_t n = (size_t)snprintf(txt, 32, ">chr1\n");
    for (int i = 0; i < LEN; i++)
        txt[n++] = "ACGT"[(i * 7 + i / 3) & 3];
    memcpy(txt + n, "\n>chr2\nAC\nGT\n", 13);
    write_file("long.fa", txt, n + 13);
    mrl_fasta_t *fa = NULL;
    mrl_seqpart_t p;
    CHECK_INT(mrl_fasta_open(&fa, tpath("long.fa"), NULL), 0);
    size_t got = 0;
    int pieces = 0, rc, ok = 1;
    while ((rc = mrl_fasta_read_part(fa, &p, MAX)) == 1 && p.index == 0) {
        ok &= p.len <= MAX && p.offset == got && got + p.len <= LEN;
        if (ok)
            memcpy(back + got, p.seq, p.len);
        got += p.len, pieces++;
        if (p.last)
            break;
    }
    CHECK(ok);
    CHECK_INT(got, LEN);
    CHECK_INT(pieces, LEN / MAX + 1); /* and an empty last piece: the next header */
    CHECK_INT(p.len, 0);
    CHECK(memcmp(back, txt + 6, LEN) == 0);
    CHECK_INT(mrl_fasta_read_part(fa, &p, MAX), 1);
    CHECK_STR(p.id, "chr2");
    CHECK_STR(p.seq, "ACGT");
    CHECK_INT(p.last, 1);
    CHECK_INT(mrl_fasta_read_part(fa, &p, MAX), 0);
    CHECK_INT(mrl_fasta_read_part(fa, &p, 0), MRL_ERR_ARG);
    mrl_fasta_close(fa);
    /* a genome record without a name (found by fuzz_scan_region: its BED rows had none) */
    write_str("noname.fa", ">chr1\nACGU\n> \nACGU\n");
    CHECK_INT(mrl_fasta_open(&fa, tpath("noname.fa"), NULL), 0);
    CHECK_INT(mrl_fasta_read_part(fa, &p, MAX), 1);
    CHECK_INT(mrl_fasta_read_part(fa, &p, MAX), MRL_ERR_PARSE);
    CHECK(strstr(mrl_errmsg(), "noname.fa: line 3: record without a name") != NULL);
    mrl_fasta_close(fa);
    free(txt);
    free(back);
}

/* The other line-reader users: BOM and CR-only in a mature table and a structure file;
 * an energy-parameter token with a control byte shown escaped. */
static void test_other_readers(void)
{
    write_str("mat.tsv", "\xef\xbb\xbfhp-1\tMI1\thp-1-5p\tMIMAT1\t5\t27\t5p\t71\tname+seq\r"
                         "hp-1\tMI1\thp-1-3p\tMIMAT2\t47\t68\t3p\t71\tseq\r");
    mrl_mature_tab_t *t = NULL;
    CHECK_INT(mrl_mature_load(&t, tpath("mat.tsv")), 0);
    int range[4] = {0}, len = 0;
    CHECK_INT(mrl_mature_find(t, "hp-1", range, &len), 1);
    CHECK_INT(range[0], 4);
    CHECK_INT(range[3], 67);
    CHECK_INT(len, 71);
    mrl_mature_free(t);
    /* two lines of one hairpin that disagree on its length (found by fuzz_mature: the 3p
     * range 40-61 of a "71 nt" line was merged into a 60-nt hairpin) */
    write_str("mat2.tsv", "hp-2\tMI2\thp-2-5p\tMIMAT3\t3\t20\t5p\t60\tseq\n"
                          "hp-2\tMI2\thp-2-3p\tMIMAT4\t40\t61\t3p\t71\tseq\n");
    CHECK_INT(mrl_mature_load(&t, tpath("mat2.tsv")), MRL_ERR_PARSE);
    CHECK(t == NULL);
    CHECK(strstr(mrl_errmsg(), "mat2.tsv: line 2: hairpin 'hp-2' is MI2, 71 nt here but MI2, "
                               "60 nt at line 1") != NULL);
    write_str("bom.dbn", "\xef\xbb\xbf>s1\rGGGAAACCC\r(((...))) ( -1.20)\r");
    mrl_dbnrec_t rec;
    CHECK_INT(dbn_first("bom.dbn", &rec), 1);
    CHECK_STR(rec.id, "s1");
    CHECK_STR(rec.structure, "(((...)))");
    CHECK_INT(rec.energy, -120);
    /* energy files now share the line reader: control bytes are binary data, a byte that
     * is not UTF-8 is shown escaped */
    write_str("esc.par", "## RNAfold parameter file v2.0\n# NINIO\n60 320 3\x1b[2J00\n");
    mrl_params_t *p = NULL;
    CHECK_INT(mrl_params_load(&p, tpath("esc.par")), MRL_ERR_PARSE);
    CHECK(strstr(mrl_errmsg(), "esc.par: line 3 column 9: binary data (byte 0x1b)") != NULL);
    write_str("ff.par", "## RNAfold parameter file v2.0\r# NINIO\r60 320 3\xff"
                        "00\r");
    CHECK_INT(mrl_params_load(&p, tpath("ff.par")), MRL_ERR_PARSE);
    CHECK(strstr(mrl_errmsg(), "ff.par: line 3: cannot parse '3\\xff00' as an energy") != NULL);
    /* CR-only and a byte-order mark: the values are read (the old reader took a CR-only
     * file for one line and silently kept the built-in tables) */
    write_str("ninio.par", "\xef\xbb\xbf## RNAfold parameter file v2.0\r\r# NINIO\r"
                           "/* m m_dH max */\r 71 320 250\r# END\r");
    CHECK_INT(mrl_params_load(&p, tpath("ninio.par")), 0);
    CHECK(p != NULL);
    if (p) {
        CHECK_INT(p->ninio_m, 71);
        CHECK_INT(p->ninio_max, 250);
        mrl_params_free(p);
    }
}

/* The side files of an image set: byte-order mark and CR-only line ends read; a control
 * byte in a name refused with its line. */
static void test_imageset_side_files(void)
{
    static uint8_t img[2 * MRL_IMG_BYTES];
    write_file("s.u8", img, sizeof img);
    write_str("s.labels", "\xef\xbb\xbf"
                          "1\r0\r");
    write_str("s.names", "hsa-mir-1\r\nneg 2\r\n");
    mrl_imageset_t *s = NULL;
    CHECK_INT(mrl_imageset_load(&s, tpath("s.u8")), 0);
    if (s) {
        CHECK_INT(s->n, 2);
        CHECK(s->labels && s->labels[0] == 1 && s->labels[1] == 0);
        CHECK(s->names != NULL);
        if (s->names) {
            CHECK_STR(s->names[0], "hsa-mir-1");
            CHECK_STR(s->names[1], "neg 2");
        }
        write_str("other.labels", "0\r1");
        CHECK_INT(mrl_imageset_read_labels(s, tpath("other.labels")), 0);
        CHECK(s->labels[0] == 0 && s->labels[1] == 1);
        mrl_imageset_free(s);
    }
    write_str("s.names", "a\nb\x1b[0m\n");
    CHECK_INT(mrl_imageset_load(&s, tpath("s.u8")), MRL_ERR_PARSE);
    CHECK(strstr(mrl_errmsg(), "s.names: line 2 column 2: binary data (byte 0x1b)") != NULL);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 2;
    }
    test_unbalanced();
    test_enospc();
    test_remove_all();
    test_escape();
    test_fasta_inputs();
    test_crlf_block_edge();
    test_gzip_truncated();
    test_read_part_long_line();
    test_other_readers();
    test_imageset_side_files();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return test_summary("test_io_robust");
}
