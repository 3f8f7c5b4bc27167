/*
 * test_outdir.c - mrl_outdir_*: an output directory written whole. Each case is checked on
 * disk: what the base directory lists after open / commit / abort, that an earlier output is
 * replaced and anything else refused untouched, the names refused, and mrl_outdir_remove on
 * trees larger than its getdents buffer, with a symbolic link whose target must survive.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "test.h"

static char base[] = "/tmp/mirlens_outdir.XXXXXX";

static const char *at(const char *rel)
{
    static char buf[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", base, rel);
    return buf[k];
}

static int put(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    if (!fp)
        return -1;
    fputs(text, fp);
    return fclose(fp);
}

static int is_dir(const char *p)
{
    struct stat st;
    return lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int exists(const char *p)
{
    struct stat st;
    return lstat(p, &st) == 0;
}

/* Entries of dir other than . and .. ; -1 when unreadable. */
static int count(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static void new_then_replace(void)
{
    mrl_outdir_t od;
    CHECK_INT(mrl_outdir_open(&od, at("out")), 0);
    CHECK_STR(od.path, at("out"));
    CHECK(strncmp(od.tmp, at("out.tmp."), strlen(at("out.tmp."))) == 0);
    CHECK(is_dir(od.tmp));
    CHECK(!exists(at("out"))); /* nothing under the final name before the commit */
    CHECK_INT(od.replace, 0);
    char p[600];
    snprintf(p, sizeof p, "%s/%s", od.tmp, MRL_OUTDIR_MARK);
    CHECK(exists(p));
    snprintf(p, sizeof p, "%s/a.tsv", od.tmp);
    CHECK_INT(put(p, "a\n"), 0);
    snprintf(p, sizeof p, "%s/sub", od.tmp);
    CHECK_INT(mkdir(p, 0755), 0);
    snprintf(p, sizeof p, "%s/sub/b.tsv", od.tmp);
    CHECK_INT(put(p, "b\n"), 0);
    CHECK_INT(mrl_outdir_commit(&od), 0);
    CHECK(od.tmp == NULL && od.path == NULL);
    CHECK(exists(at("out/a.tsv")) && exists(at("out/sub/b.tsv")));
    CHECK_INT(count(base), 1); /* "out" alone: no temporary name left */
    /* the earlier output is replaced whole: a.tsv and sub/ go, c.tsv comes */
    CHECK_INT(mrl_outdir_open(&od, at("out/")), 0); /* trailing slash dropped */
    CHECK_STR(od.path, at("out"));
    CHECK_INT(od.replace, 1);
    snprintf(p, sizeof p, "%s/c.tsv", od.tmp);
    CHECK_INT(put(p, "c\n"), 0);
    CHECK(exists(at("out/a.tsv"))); /* untouched until the commit */
    CHECK_INT(mrl_outdir_commit(&od), 0);
    CHECK(exists(at("out/c.tsv")) && !exists(at("out/a.tsv")) && !exists(at("out/sub")));
    CHECK(exists(at("out/" MRL_OUTDIR_MARK)));
    CHECK_INT(count(at("out")), 2);
    CHECK_INT(count(base), 1);
}

/* abort removes a nested tree, and a link in it without following it */
static void abort_keeps_links(void)
{
    CHECK_INT(mkdir(at("keep"), 0755), 0);
    CHECK_INT(put(at("keep/precious"), "x"), 0);
    mrl_outdir_t od;
    CHECK_INT(mrl_outdir_open(&od, at("out")), 0);
    char p[600], q[600];
    snprintf(p, sizeof p, "%s/d1", od.tmp);
    CHECK_INT(mkdir(p, 0755), 0);
    snprintf(p, sizeof p, "%s/d1/d2", od.tmp);
    CHECK_INT(mkdir(p, 0755), 0);
    snprintf(p, sizeof p, "%s/d1/d2/f.tmp.ABCDEF", od.tmp);
    CHECK_INT(put(p, "half"), 0);
    snprintf(p, sizeof p, "%s/d1/link", od.tmp);
    CHECK_INT(symlink(at("keep"), p), 0);
    snprintf(q, sizeof q, "%s", od.tmp);
    mrl_outdir_abort(&od);
    CHECK(!exists(q));
    CHECK(od.tmp == NULL);
    CHECK(exists(at("keep/precious")));
    CHECK(exists(at("out/c.tsv"))); /* the output in place is as it was */
    mrl_outdir_abort(&od);          /* a zeroed struct: nothing happens */
    CHECK_INT(count(base), 2);
}

static void refusals(void)
{
    mrl_outdir_t od;
    /* a directory of other files: refused, untouched, nothing created beside it */
    CHECK_INT(mkdir(at("mine"), 0755), 0);
    CHECK_INT(put(at("mine/notes.txt"), "keep"), 0);
    CHECK_INT(mrl_outdir_open(&od, at("mine")), MRL_ERR_REFUSED);
    CHECK(strstr(mrl_errmsg(), "did not write") != NULL);
    CHECK(od.tmp == NULL && od.path == NULL);
    CHECK_INT(count(at("mine")), 1);
    /* a page that is not a mirlens page does not make an output */
    CHECK_INT(put(at("mine/index.html"), "<title>my notes</title>"), 0);
    CHECK_INT(mrl_outdir_open(&od, at("mine")), MRL_ERR_REFUSED);
    /* a mirlens page written before the mark does */
    CHECK_INT(mkdir(at("legacy"), 0755), 0);
    CHECK_INT(put(at("legacy/index.html"), "<html><title>mirlens explain</title>"), 0);
    CHECK_INT(mrl_outdir_open(&od, at("legacy")), 0);
    CHECK_INT(od.replace, 1);
    CHECK_INT(mrl_outdir_commit(&od), 0);
    CHECK(!exists(at("legacy/index.html")) && exists(at("legacy/" MRL_OUTDIR_MARK)));
    /* names that cannot be renamed onto */
    const char *names[] = {"", "/", ".", "..", "./", at("."), at("x/.."), at("mine/./")};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        CHECK_INT(mrl_outdir_open(&od, names[k]), MRL_ERR_ARG);
        CHECK(strstr(mrl_errmsg(), "name a directory") != NULL);
    }
    CHECK_INT(put(at("file"), "f"), 0);
    CHECK_INT(mrl_outdir_open(&od, at("file")), MRL_ERR_IO);
    CHECK(strstr(mrl_errmsg(), "not a directory") != NULL);
    CHECK_INT(mrl_outdir_open(&od, at("nodir/sub")), MRL_ERR_IO);
    CHECK(strstr(mrl_errmsg(), "nodir/sub'") != NULL); /* the name given, not the temporary */
    CHECK_INT(count(base), 5); /* keep, out, mine, legacy, file: nothing added */
}

/* an empty directory is taken; a link to a directory replaces the directory, not the link;
 * a directory filled by someone else before the commit is kept and the run's removed */
static void empty_link_race(void)
{
    mrl_outdir_t od;
    CHECK_INT(mkdir(at("empty"), 0755), 0);
    CHECK_INT(mrl_outdir_open(&od, at("empty")), 0);
    CHECK_INT(od.replace, 0);
    CHECK_INT(mrl_outdir_commit(&od), 0);
    CHECK(exists(at("empty/" MRL_OUTDIR_MARK)));
    CHECK_INT(symlink("out", at("lnk")), 0);
    CHECK_INT(mrl_outdir_open(&od, at("lnk")), 0);
    CHECK_STR(od.path, at("out"));
    CHECK_INT(mrl_outdir_commit(&od), 0);
    struct stat st;
    CHECK(lstat(at("lnk"), &st) == 0 && S_ISLNK(st.st_mode));
    CHECK(!exists(at("out/c.tsv")) && exists(at("out/" MRL_OUTDIR_MARK)));
    CHECK_INT(mrl_outdir_open(&od, at("late")), 0);
    CHECK_INT(mkdir(at("late"), 0755), 0);
    CHECK_INT(put(at("late/theirs.txt"), "t"), 0);
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s", od.tmp);
    CHECK_INT(mrl_outdir_commit(&od), MRL_ERR_IO);
    CHECK(!exists(tmp));
    CHECK(exists(at("late/theirs.txt")) && count(at("late")) == 1);
}

/* mrl_outdir_remove over more entries than one getdents64 buffer holds */
static void remove_large(void)
{
    CHECK_INT(mrl_outdir_remove(at("absent")), 0);
    CHECK_INT(mkdir(at("big"), 0755), 0);
    CHECK_INT(mkdir(at("big/sub"), 0755), 0);
    char p[600];
    for (int k = 0; k < 300; k++) {
        snprintf(p, sizeof p, "%s/big/%s/file_with_a_longish_name_%03d.npy", base,
                 k % 2 ? "sub" : ".", k);
        CHECK_INT(put(p, "x"), 0);
    }
    CHECK_INT(count(at("big")), 151);
    CHECK_INT(symlink(at("keep"), at("big/sub/to_keep")), 0);
    CHECK_INT(mrl_outdir_remove(at("big")), 0);
    CHECK(!exists(at("big")));
    CHECK(exists(at("keep/precious")));
    /* a plain file is unlinked */
    CHECK_INT(mrl_outdir_remove(at("file")), 0);
    CHECK(!exists(at("file")));
}

int main(void)
{
    if (!mkdtemp(base)) {
        fprintf(stderr, "test_outdir: mkdtemp: %s\n", strerror(errno));
        return 1;
    }
    new_then_replace();
    abort_keeps_links();
    refusals();
    empty_link_race();
    remove_large();
    CHECK_INT(mrl_outdir_remove(base), 0);
    CHECK(!exists(base));
    return test_summary("test_outdir");
}
