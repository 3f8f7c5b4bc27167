/*
 * test_detmass.c - hand-worked masses of a determinant's mask (mrl_detmass_mask, the
 * arithmetic behind every row of `mirlens explain --determinants`, attribution and
 * mutagenesis alike), the method names and the expectation each determinant reads.
 *
 * The tiny case: 6 positions, values 1, -2, 3, 4, 5, 6 (position 4 not counted: an undrawn
 * nt, or a position with no scored mutant), contexts stem, stem, loop, loop, stem, loop;
 * mask {0, 2}. Counted |values|: 1 + 2 + 3 + 4 + 6 = 16 (tot). Stem mean (1 + 2) / 2 = 1.5,
 * loop mean (3 + 4 + 6) / 3 = 13/3. Inside the mask: 1 + 3 = 4, so observed = 4/16; a
 * placement of the mask's stem nt on a random stem nt and its loop nt on a random loop nt
 * expects 1.5 + 13/3 = 35/6, so expected = (35/6)/16 = 35/96; share = 2 of 5 counted nt;
 * signed = (1 + 3)/16. Raw means: mask 4/2 = 2, context-matched (35/6)/2 = 35/12, all 16/5.
 * Enrichment over context = (4/16)/(35/96) = 24/35: the mask avoids the heavy loop nt 3, 5.
 */
#include "mirlens.h"
#include "test.h"

static void test_hand_worked(void)
{
    const float v[6] = {1, -2, 3, 4, 5, 6};
    const int counted[6] = {1, 1, 1, 1, 0, 1};
    const uint8_t ctx[6] = {MRL_CTX_STEM,          MRL_CTX_STEM, MRL_CTX_TERMINAL_LOOP,
                            MRL_CTX_TERMINAL_LOOP, MRL_CTX_STEM, MRL_CTX_TERMINAL_LOOP};
    const uint8_t mask[6] = {1, 0, 1, 0, 0, 0};
    double out[4], raw[3];
    CHECK_INT(mrl_detmass_mask(v, NULL, counted, ctx, mask, 6, out, raw), 1);
    CHECK_CLOSE(out[0], 4.0 / 16, 1e-12, 0);
    CHECK_CLOSE(out[1], 35.0 / 96, 1e-12, 0);
    CHECK_CLOSE(out[2], 2.0 / 5, 1e-12, 0);
    CHECK_CLOSE(out[3], 4.0 / 16, 1e-12, 0);
    CHECK_CLOSE(raw[0], 2.0, 1e-12, 0);
    CHECK_CLOSE(raw[1], 35.0 / 12, 1e-12, 0);
    CHECK_CLOSE(raw[2], 16.0 / 5, 1e-12, 0);
    CHECK_CLOSE(out[0] / out[1], 24.0 / 35, 1e-12, 0);
    /* mask {1}: its signed value is -2 (sgn NULL: the values themselves) */
    const uint8_t m1[6] = {0, 1, 0, 0, 0, 0};
    CHECK_INT(mrl_detmass_mask(v, NULL, counted, ctx, m1, 6, out, NULL), 1);
    CHECK_CLOSE(out[0], 2.0 / 16, 1e-12, 0);
    CHECK_CLOSE(out[1], 1.5 / 16, 1e-12, 0);
    CHECK_CLOSE(out[3], -2.0 / 16, 1e-12, 0);
    /* separate signed values (mutagenesis: mean delta margin beside mean |delta margin|) */
    const float sg[6] = {-1, -2, 0.5f, 0, 0, 0};
    CHECK_INT(mrl_detmass_mask(v, sg, counted, ctx, mask, 6, out, NULL), 1);
    CHECK_CLOSE(out[0], 4.0 / 16, 1e-12, 0);
    CHECK_CLOSE(out[3], -0.5 / 16, 1e-12, 0);
    /* a mask on a position that is not counted: nothing measured, NaNs */
    const uint8_t m4[6] = {0, 0, 0, 0, 1, 0};
    CHECK_INT(mrl_detmass_mask(v, NULL, counted, ctx, m4, 6, out, raw), 0);
    CHECK(isnan(out[0]) && isnan(out[1]) && isnan(out[2]) && isnan(out[3]));
    CHECK(isnan(raw[0]) && isnan(raw[1]) && isnan(raw[2]));
    /* all values zero: no mass to share */
    const float z[6] = {0};
    CHECK_INT(mrl_detmass_mask(z, NULL, counted, ctx, mask, 6, out, raw), 0);
    CHECK(isnan(out[0]) && isnan(raw[0]));
    /* a mask over every counted nt: observed = expected = share = 1 */
    const uint8_t all[6] = {1, 1, 1, 1, 1, 1};
    CHECK_INT(mrl_detmass_mask(v, NULL, counted, ctx, all, 6, out, raw), 1);
    CHECK_CLOSE(out[0], 1.0, 1e-12, 0);
    CHECK_CLOSE(out[1], 1.0, 1e-12, 0);
    CHECK_CLOSE(out[2], 1.0, 1e-12, 0);
    CHECK_CLOSE(raw[0], raw[2], 1e-12, 0);
}

static void test_names(void)
{
    CHECK_STR(mrl_detmass_method_name(MRL_DETMASS_MUTAGENESIS), "mutagenesis");
    CHECK_STR(mrl_detmass_method_name(MRL_EXPLAIN_IG), "integrated-gradients");
    CHECK(mrl_detmass_method_name(MRL_DETMASS_MUTAGENESIS + 1) == NULL);
    CHECK(mrl_detmass_method_name(-1) == NULL);
    CHECK_INT(mrl_detmass_expectation(MRL_DET_LOOP_SIZE), MRL_DETEXP_SHARE);
    CHECK_INT(mrl_detmass_expectation(MRL_DET_CNNC), MRL_DETEXP_CONTEXT);
    CHECK_INT(mrl_detmass_expectation(MRL_NDET), -1);
    mrl_detmass_opts_t o;
    mrl_detmass_opts_default(&o);
    CHECK_INT(o.mutagenesis, 0);
    CHECK_INT(o.random_net, 1);
}

int main(void)
{
    test_hand_worked();
    test_names();
    return test_summary("test_detmass");
}
