/*
 * test_datapath.c - mrl_data_path (the run-time lookup of the shipped models) and the flat
 * binding functions (mrl_flat_fold against mrl_fold_mfe + mrl_encode_hairpin, worked by
 * hand on a small hairpin; mrl_flat_predict against mrl_ensemble_score of the same image);
 * the default models (mrl_default_model, mrl_default_data, mrl_scan_default_models) in a
 * directory made here, file by file.
 */
#include <stdlib.h>
#include <unistd.h>
#include "test.h"

static void test_data_path(void)
{
    char buf[4096], dir[] = "/tmp/mirlens_datapath.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK_INT(setenv("MIRLENS_DATA", dir, 1), 0);
    CHECK_INT(mrl_data_path("x.mrlm", buf, sizeof buf), MRL_ERR_IO);
    CHECK(strstr(mrl_errmsg(), "x.mrlm: not found in $MIRLENS_DATA") != NULL);
    char file[4200];
    snprintf(file, sizeof file, "%s/x.mrlm", dir);
    FILE *fp = fopen(file, "w");
    CHECK(fp != NULL);
    if (fp)
        fclose(fp);
    CHECK_INT(mrl_data_path("x.mrlm", buf, sizeof buf), 0);
    CHECK_STR(buf, file);
    CHECK_INT(mrl_data_path("x.mrlm", buf, 8), MRL_ERR_RANGE); /* too small: no truncation */
    CHECK_INT(mrl_data_path("../x.mrlm", buf, sizeof buf), MRL_ERR_ARG);
    CHECK_INT(mrl_data_path("", buf, sizeof buf), MRL_ERR_ARG);
    unlink(file);
    rmdir(dir);
    /* unset: this test binary (build/tests/unit/) has no share/mirlens or models/ beside it
     * (../models of build/tests/unit is build/tests/models), so only mrl_data_dir() is left */
    unsetenv("MIRLENS_DATA");
    int rc = mrl_data_path("no-such-file.mrlm", buf, sizeof buf);
    CHECK_INT(rc, MRL_ERR_IO);
    CHECK(strstr(mrl_errmsg(), mrl_data_dir()) != NULL);
    CHECK(strstr(mrl_data_dir(), "/share/mirlens") != NULL);
}

static void touch(const char *dir, const char *name)
{
    char f[4200];
    snprintf(f, sizeof f, "%s/%s", dir, name);
    FILE *fp = fopen(f, "w");
    CHECK(fp != NULL);
    if (fp)
        fclose(fp);
}

static void test_default_models(void)
{
    char dir[] = "/tmp/mirlens_defaults.XXXXXX", def[4200], want[8400], buf[8192], small[24];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(def, sizeof def, "%s/default.mrlm", dir);
    unsetenv("MIRLENS_GENOME_MODEL");
    CHECK_INT(setenv("MIRLENS_MODEL", def, 1), 0);
    CHECK_INT(mrl_default_model(buf, sizeof buf), 0);
    CHECK_STR(buf, def);
    CHECK_INT(mrl_default_model(small, sizeof small), MRL_ERR_RANGE);
    /* no genome model beside it: the default model alone */
    CHECK_INT(mrl_scan_default_models(buf, sizeof buf), 1);
    CHECK_STR(buf, def);
    CHECK_INT(mrl_default_data("background.u8", buf, sizeof buf), MRL_ERR_IO);
    CHECK(strstr(mrl_errmsg(), "background.u8: not readable") != NULL);
    CHECK_INT(mrl_default_data("../x", buf, sizeof buf), MRL_ERR_ARG);
    /* only the second genome model: that one alone */
    touch(dir, "genome_scratch.mrlm");
    CHECK_INT(mrl_scan_default_models(buf, sizeof buf), 1);
    snprintf(want, sizeof want, "%s/genome_scratch.mrlm", dir);
    CHECK_STR(buf, want);
    /* a missing genome model is no error: the last message (../x's) is left alone */
    CHECK(strstr(mrl_errmsg(), "plain file name") != NULL);
    /* both, in their order, one after another */
    touch(dir, "genome.mrlm");
    CHECK_INT(mrl_scan_default_models(buf, sizeof buf), 2);
    snprintf(want, sizeof want, "%s/genome.mrlm", dir);
    CHECK_STR(buf, want);
    snprintf(want, sizeof want, "%s/genome_scratch.mrlm", dir);
    CHECK_STR(buf + strlen(buf) + 1, want);
    CHECK_INT(mrl_scan_default_models(buf, strlen(dir) + 13), MRL_ERR_RANGE);
    /* $MIRLENS_GENOME_MODEL alone */
    CHECK_INT(setenv("MIRLENS_GENOME_MODEL", "/x/g.mrlm", 1), 0);
    CHECK_INT(mrl_scan_default_models(buf, sizeof buf), 1);
    CHECK_STR(buf, "/x/g.mrlm");
    unsetenv("MIRLENS_GENOME_MODEL");
    touch(dir, "background.u8");
    CHECK_INT(mrl_default_data("background.u8", buf, sizeof buf), 0);
    const char *names[] = {"genome.mrlm", "genome_scratch.mrlm", "background.u8"};
    for (int k = 0; k < 3; k++) {
        snprintf(want, sizeof want, "%s/%s", dir, names[k]);
        unlink(want);
    }
    rmdir(dir);
    /* unset: mrl_data_path's default.mrlm, or the installed place (no models/ beside this
     * test binary) */
    unsetenv("MIRLENS_MODEL");
    CHECK_INT(mrl_default_model(buf, sizeof buf), 0);
    snprintf(want, sizeof want, "%s/default.mrlm", mrl_data_dir());
    CHECK_STR(buf, want);
}

static void test_flat_fold(void)
{
    const char *seq[2] = {"GGGGAAAACCCC", "AAAA"};
    size_t len[2] = {12, 4};
    char structs[12 + 1 + 4 + 1];
    int mfe[2], status[2];
    static uint8_t rgb[2 * MRL_IMG_BYTES];
    int32_t cols[2 * 2 * MRL_IMG_W];
    CHECK_INT(mrl_flat_fold(seq, len, 2, 2, 1, structs, mfe, status, rgb, cols), 0);
    CHECK_STR(structs, "((((....))))"); /* worked: 3 GC stacks + a tetraloop, as RNAfold */
    CHECK_STR(structs + 13, "....");
    CHECK_INT(status[0], 0);
    CHECK_INT(status[1], MRL_ERR_REFUSED);
    mrl_fold_ws_t *ws = mrl_fold_ws_new();
    char s[13];
    int e = 0;
    CHECK_INT(mrl_fold_mfe(ws, mrl_params_builtin(NULL), seq[0], 12, s, &e), 0);
    mrl_fold_ws_free(ws);
    CHECK_INT(mfe[0], e);
    CHECK_INT(mfe[0], -540); /* RNAfold 2.1.3: ((((....)))) (-5.40) */
    mrl_hairpin_t h;
    CHECK_INT(mrl_encode_hairpin(seq[0], 12, s, &h), 0);
    CHECK(memcmp(rgb, h.rgb, MRL_IMG_BYTES) == 0);
    CHECK(memcmp(cols, h.pos5, sizeof h.pos5) == 0);
    CHECK(memcmp(cols + MRL_IMG_W, h.pos3, sizeof h.pos3) == 0);
    /* the loop is drawn from column 0: 5' bases 7,6,5,4 over 3' bases 4,5,6,7, then the
     * closing pair (3, 8) */
    CHECK_INT(cols[0], 7);
    CHECK_INT(cols[MRL_IMG_W], 4);
    CHECK_INT(cols[4], 3);
    CHECK_INT(cols[MRL_IMG_W + 4], 8);
    CHECK_INT(cols[2 * MRL_IMG_W], -1); /* no hairpin: an empty map */
    CHECK_INT(mrl_flat_fold(seq, NULL, 2, 1, 0, NULL, NULL, NULL, NULL, NULL), MRL_ERR_ARG);
}

static void test_flat_predict(void)
{
    mrl_ensemble_t *e = NULL;
    const char *p = "models/default.mrlm"; /* make test runs in the repository root */
    if (mrl_flat_model_load(&e, &p, 1, 1, MRL_PREC_F32) < 0) {
        TEST_SKIP("no default model (%s)", mrl_errmsg());
        return;
    }
    const char *seq[2] = {
        "UGAGGUAGUAGGUUGUAUAGUUUUAGGGUCACACCCACCACUGGGAGAUAACUAUACAAUCUACUGUCUUUCC", "AAAA"};
    size_t len[2] = {strlen(seq[0]), 4};
    float prob[2], margin[2], p2, m2;
    CHECK_INT(mrl_flat_predict(e, seq, len, 2, 1, prob, margin), 0);
    CHECK(isnan(prob[1]) && isnan(margin[1]));
    static uint8_t rgb[MRL_IMG_BYTES];
    CHECK_INT(mrl_flat_fold(seq, len, 1, 1, 1, NULL, NULL, NULL, rgb, NULL), 0);
    const uint8_t *img = rgb;
    CHECK_INT(mrl_ensemble_score(e, &img, 1, &p2, &m2), 0);
    CHECK(prob[0] == p2 && margin[0] == m2);
    float map[3 * MRL_IMG_H * MRL_IMG_W], attr[80], info[5];
    CHECK_INT(mrl_flat_explain(e, seq[0], len[0], "nope", 1, 1, 0, 0, NULL, map, attr, info),
              MRL_ERR_ARG);
    CHECK_INT(mrl_flat_explain(e, seq[1], 4, "gradient", 1, 1, 0, 0, NULL, map, NULL, NULL),
              MRL_ERR_REFUSED);
    CHECK_INT(mrl_flat_explain(e, seq[0], len[0], "integrated-gradients", 1, 1, 0, 0, NULL, map,
                               attr, info),
              0);
    double total = 0, nt = 0;
    for (size_t k = 0; k < 3 * MRL_IMG_H * MRL_IMG_W; k++)
        total += (double)map[k];
    for (size_t k = 0; k < len[0]; k++)
        nt += (double)attr[k];
    CHECK_CLOSE(info[3], total, 1e-3, 1e-4);
    CHECK(nt != 0 && fabs(nt) <= 2 * fabs(total) + 1); /* loop bases count twice */
    CHECK_CLOSE(info[1], prob[0], 1e-6, 0);
    mrl_ensemble_free(e);
}

int main(void)
{
    test_data_path();
    test_default_models();
    test_flat_fold();
    test_flat_predict();
    return test_summary("test_datapath");
}
