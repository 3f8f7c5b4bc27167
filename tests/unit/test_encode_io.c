/*
 * test_encode_io.c - image-set reader (.u8/.u8.gz + .labels + .names, size checks), PNG
 * writer (read back with libpng: size, colour type, scaled pixels, no temp files left) and
 * the dot-bracket record reader (TSV and RNAfold layouts, errors).
 */
#include <png.h>
#include <unistd.h>
#include <zlib.h>
#include "mirlens.h"
#include "test.h"

static char tmpdir[] = "/tmp/mirlens_test_XXXXXX";

static void write_file(const char *name, const void *data, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *fp = fopen(path, "wb");
    CHECK(fp != NULL);
    if (fp) {
        fwrite(data, 1, n, fp);
        fclose(fp);
    }
}

static void write_gz(const char *name, const void *data, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    gzFile gz = gzopen(path, "wb");
    CHECK(gz != NULL);
    if (gz) {
        gzwrite(gz, data, (unsigned)n);
        gzclose(gz);
    }
}

static const char *tpath(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static void test_imageset(void)
{
    static uint8_t img[3 * MRL_IMG_BYTES];
    for (size_t i = 0; i < sizeof img; i++)
        img[i] = (uint8_t)(i * 7);
    write_gz("a.u8.gz", img, sizeof img);
    write_file("a.labels", "1\n0\n1\n", 6);
    write_file("a.names", "x\ny z\nw\n", 8);
    mrl_imageset_t *s = NULL;
    CHECK_INT(mrl_imageset_load(&s, tpath("a")), 0);
    if (s) {
        CHECK_INT(s->n, 3);
        CHECK(memcmp(s->rgb, img, sizeof img) == 0);
        CHECK(s->labels && s->labels[0] == 1 && s->labels[1] == 0 && s->labels[2] == 1);
        CHECK(s->names && !strcmp(s->names[1], "y z") && !strcmp(s->names[2], "w"));
    }
    mrl_imageset_free(s);
    CHECK_INT(mrl_imageset_load(&s, tpath("a.u8.gz")), 0);
    mrl_imageset_free(s);

    /* plain file, no side files */
    write_file("b.u8", img, 2 * MRL_IMG_BYTES);
    CHECK_INT(mrl_imageset_load(&s, tpath("b.u8")), 0);
    if (s) {
        CHECK_INT(s->n, 2);
        CHECK(s->labels == NULL && s->names == NULL);
    }
    mrl_imageset_free(s);
    CHECK_INT(mrl_imageset_load(&s, tpath("b")), 0);
    mrl_imageset_free(s);

    /* not a whole number of images */
    write_file("c.u8", img, MRL_IMG_BYTES + 5);
    CHECK_INT(mrl_imageset_load(&s, tpath("c.u8")), MRL_ERR_CORRUPT);
    CHECK(s == NULL);
    CHECK(strstr(mrl_errmsg(), "c.u8") != NULL);
    /* label count mismatch, bad label, name count mismatch */
    write_file("b.labels", "1\n", 2);
    CHECK_INT(mrl_imageset_load(&s, tpath("b.u8")), MRL_ERR_CORRUPT);
    CHECK(strstr(mrl_errmsg(), "b.labels") != NULL);
    write_file("b.labels", "1\n2\n", 4);
    CHECK_INT(mrl_imageset_load(&s, tpath("b.u8")), MRL_ERR_PARSE);
    write_file("b.labels", "1\r\n0\r\n", 6);
    write_file("b.names", "p\nq\nr\n", 6);
    CHECK_INT(mrl_imageset_load(&s, tpath("b.u8")), MRL_ERR_CORRUPT);
    CHECK(strstr(mrl_errmsg(), "b.names") != NULL);
    /* truncated gzip */
    static uint8_t gzbuf[4 * MRL_IMG_BYTES];
    write_gz("d.u8.gz", img, sizeof img);
    FILE *fp = fopen(tpath("d.u8.gz"), "rb");
    size_t n = fp ? fread(gzbuf, 1, sizeof gzbuf, fp) : 0;
    if (fp)
        fclose(fp);
    write_file("d.u8.gz", gzbuf, n / 2);
    CHECK(mrl_imageset_load(&s, tpath("d.u8.gz")) < 0);
    CHECK(s == NULL);
    CHECK_INT(mrl_imageset_load(&s, tpath("missing")), MRL_ERR_IO);
}

/* Read a PNG back: 0 ok; fills width, height, colour type and the rows. */
static int read_png(const char *path, png_uint_32 *w, png_uint_32 *h, int *ctype, uint8_t *buf,
                    size_t cap)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        fclose(fp);
        return -1;
    }
    png_init_io(png, fp);
    png_read_info(png, info);
    int depth;
    png_get_IHDR(png, info, w, h, &depth, ctype, NULL, NULL, NULL);
    if (depth != 8 || (size_t)*w * *h * 3 > cap)
        png_longjmp(png, 1);
    for (png_uint_32 y = 0; y < *h; y++)
        png_read_row(png, buf + (size_t)y * *w * 3, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    fclose(fp);
    return 0;
}

static void test_png(void)
{
    static mrl_hairpin_t hp;
    CHECK_INT(mrl_encode_hairpin("GGGAAACCC", 9, "(((...)))", &hp), 0);
    CHECK_INT(mrl_png_write(tpath("h.png"), hp.rgb, MRL_IMG_W, MRL_IMG_H, 1), 0);
    static uint8_t back[MRL_IMG_BYTES * 16];
    png_uint_32 w = 0, h = 0;
    int ct = -1;
    CHECK_INT(read_png(tpath("h.png"), &w, &h, &ct, back, sizeof back), 0);
    CHECK_INT(w, 100);
    CHECK_INT(h, 25);
    CHECK_INT(ct, PNG_COLOR_TYPE_RGB);
    CHECK(memcmp(back, hp.rgb, MRL_IMG_BYTES) == 0);

    CHECK_INT(mrl_png_write(tpath("h4.png"), hp.rgb, MRL_IMG_W, MRL_IMG_H, 4), 0);
    CHECK_INT(read_png(tpath("h4.png"), &w, &h, &ct, back, sizeof back), 0);
    CHECK_INT(w, 400);
    CHECK_INT(h, 100);
    int same = 1;
    for (int y = 0; y < 100; y++)
        for (int x = 0; x < 400; x++)
            same &= !memcmp(back + ((size_t)y * 400 + (size_t)x) * 3,
                            hp.rgb + ((size_t)(y / 4) * 100 + (size_t)(x / 4)) * 3, 3);
    CHECK(same);
    CHECK_INT(mrl_png_write(tpath("h0.png"), hp.rgb, MRL_IMG_W, MRL_IMG_H, 0), MRL_ERR_ARG);
    CHECK_INT(mrl_png_write(tpath("nodir/h.png"), hp.rgb, MRL_IMG_W, MRL_IMG_H, 1), MRL_ERR_IO);
    CHECK(access(tpath("h0.png"), F_OK) != 0);
}

static void test_dbn_tsv(void)
{
    const char *tsv = "id\tsequence\tfold\tmfe\timage\n"
                      "a\tGGGAAACCC\t(((...)))\t-1.20\tjunk\n"
                      "\n"
                      "e\t\t\t\tERROR:empty sequence\n"
                      "b\tacgu\t....\n"
                      "c\tGGGAAACCC\t(((...)))\t-0.5\n";
    write_file("s.tsv", tsv, strlen(tsv));
    mrl_dbn_t *r = NULL;
    mrl_dbnrec_t rec;
    CHECK_INT(mrl_dbn_open(&r, tpath("s.tsv"), NULL), 0);
    CHECK_INT(mrl_dbn_read(r, &rec), 1);
    CHECK_STR(rec.id, "a");
    CHECK_STR(rec.seq, "GGGAAACCC");
    CHECK_STR(rec.structure, "(((...)))");
    CHECK_INT(rec.has_energy, 1);
    CHECK_INT(rec.energy, -120);
    CHECK_INT(rec.line, 2);
    CHECK_INT(mrl_dbn_read(r, &rec), 1);
    CHECK_STR(rec.id, "e");
    CHECK_INT(rec.len, 0);
    CHECK_INT(rec.has_energy, 0);
    CHECK_INT(mrl_dbn_read(r, &rec), 1);
    CHECK_STR(rec.seq, "acgu");
    CHECK_INT(rec.has_energy, 0);
    CHECK_INT(mrl_dbn_read(r, &rec), 1);
    CHECK_INT(rec.energy, -50);
    CHECK_INT(rec.index, 3);
    CHECK_INT(mrl_dbn_read(r, &rec), 0);
    mrl_dbn_close(r);

    const char *bad[] = {"a\tACGU\t...\n", "a\tACGU\t..[]\n", "a\tACGU\n", "a\tAC-U\t....\n",
                         "a\tACGU\t....\tx1\n"};
    const int codes[] = {MRL_ERR_PARSE, MRL_ERR_PARSE, MRL_ERR_PARSE, MRL_ERR_PARSE, MRL_ERR_PARSE};
    for (int i = 0; i < 5; i++) {
        write_file("bad.tsv", bad[i], strlen(bad[i]));
        CHECK_INT(mrl_dbn_open(&r, tpath("bad.tsv"), NULL), 0);
        CHECK_INT(mrl_dbn_read(r, &rec), codes[i]);
        CHECK(strstr(mrl_errmsg(), "bad.tsv") != NULL);
        mrl_dbn_close(r);
    }
    mrl_fasta_opts_t o;
    mrl_fasta_opts_default(&o);
    o.max_length = 3;
    write_file("long.tsv", "a\tACGU\t....\n", 12);
    CHECK_INT(mrl_dbn_open(&r, tpath("long.tsv"), &o), 0);
    CHECK_INT(mrl_dbn_read(r, &rec), MRL_ERR_RANGE);
    mrl_dbn_close(r);
    CHECK_INT(mrl_dbn_open(&r, tpath("none.tsv"), NULL), MRL_ERR_IO);
}

static void test_dbn_rnafold(void)
{
    const char *txt = ">x1 some description\n"
                      "GGGAAACCC\n"
                      "(((...))) ( -1.20)\n"
                      ">x2\r\n"
                      "ACGUACGU\r\n"
                      "........ (  0.00)\r\n"
                      "GGGGAAAACCCC\n"
                      "((((....))))\n";
    write_gz("r.fold.gz", txt, strlen(txt));
    mrl_dbn_t *r = NULL;
    mrl_dbnrec_t rec;
    CHECK_INT(mrl_dbn_open(&r, tpath("r.fold.gz"), NULL), 0);
    CHECK_INT(mrl_dbn_read(r, &rec), 1);
    CHECK_STR(rec.id, "x1");
    CHECK_STR(rec.structure, "(((...)))");
    CHECK_INT(rec.energy, -120);
    CHECK_INT(mrl_dbn_read(r, &rec), 1);
    CHECK_STR(rec.id, "x2");
    CHECK_STR(rec.seq, "ACGUACGU");
    CHECK_INT(rec.has_energy, 1);
    CHECK_INT(rec.energy, 0);
    CHECK_INT(mrl_dbn_read(r, &rec), 1);
    CHECK_STR(rec.id, "seq3");
    CHECK_INT(rec.has_energy, 0);
    CHECK_INT(rec.line, 7);
    CHECK_INT(mrl_dbn_read(r, &rec), 0);
    mrl_dbn_close(r);

    const char *trunc = ">x\nACGU\n";
    write_file("t.fold", trunc, strlen(trunc));
    CHECK_INT(mrl_dbn_open(&r, tpath("t.fold"), NULL), 0);
    CHECK_INT(mrl_dbn_read(r, &rec), MRL_ERR_PARSE);
    CHECK(strstr(mrl_errmsg(), "no structure") != NULL);
    mrl_dbn_close(r);
    const char *badE = ">x\nACGU\n.... (-1.2.3)\n";
    write_file("e.fold", badE, strlen(badE));
    CHECK_INT(mrl_dbn_open(&r, tpath("e.fold"), NULL), 0);
    CHECK_INT(mrl_dbn_read(r, &rec), MRL_ERR_PARSE);
    mrl_dbn_close(r);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_imageset();
    test_png();
    test_dbn_tsv();
    test_dbn_rnafold();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    CHECK_INT(system(cmd), 0);
    return test_summary("test_encode_io");
}
