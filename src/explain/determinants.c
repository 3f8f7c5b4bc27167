/*
 * determinants.c - the known determinants of pre-miRNA processing located on one hairpin:
 * Drosha's (basal UG, lower stem, mismatched GHG, upper stem, stem length, bulge-depleted
 * zones, terminal loop, apical UGU, CNNC) and Dicer's (5' counting, loop counting, GYM),
 * plus GU wobbles in the stem and the 5' U of the mature.
 *
 * Sources: Auyeung et al. 2013 (Cell 152:844, basal UG at -14, CNNC at +16..18); Zeng et al.
 * 2005 (EMBO J 24:138, loop >= 10 nt, one helical turn of stem beyond the cut); Han et al.
 * 2006 (Cell 125:887, ~11 bp from the basal junction); Fang & Bartel 2015 (Mol Cell 60:131,
 * 35 +- 1 bp stem, mismatched GHG); Kwon et al. 2019 (Mol Cell 73:505, mGHG and DROSHA's
 * dsRBD); Roden et al. 2017 (Genome Res 27:374, 36 +- 3 bp, bulge-depleted zones); Ma et al.
 * 2013 (upper stem ~22 bp); Park et al. 2011 (Nature 475:201, 5' counting); Gu et al. 2012
 * (Cell 151:900, loop counting); Lee et al. 2023 (Nature 615:323, GYM motif). Each position
 * convention is stated in include/mirlens.h and docs/findings/determinants.md.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"

/* Windows of the determinants, in the units the header names. */
enum {
    UG_OFF = 14,   /* basal UG: U at -14, G at -13 */
    LOWER_BP = 11, /* lower stem: 11 +- 2 bp */
    LOWER_TOL = 2,
    GHG_LO = 5, /* mGHG: first G at +5..+8 on the 3p strand */
    GHG_HI = 8,
    UPPER_BP = 22, /* upper stem: 22 +- 2 bp */
    UPPER_TOL = 2,
    STEM_BP = 35, /* stem: 35 +- 1 bp */
    STEM_TOL = 1,
    ZONE1_LO = 16, /* bulge-depleted zones, bp index from the stem base */
    ZONE1_HI = 21,
    ZONE2_LO = 28,
    ZONE2_HI = 32,
    LOOP_MIN = 10,  /* terminal loop >= 10 nt */
    APICAL_PAD = 2, /* apical UGU: loop plus 2 nt of stem each side */
    CNNC_LO = 16,   /* CNNC: C at +16..+18 */
    CNNC_HI = 18,
    DICER5_LO = 21, /* 5' counting: 21..22 nt */
    DICER5_HI = 22,
    DLOOP_NT = 2, /* loop counting: 2 +- 1 nt */
    DLOOP_TOL = 1
};

static const char *const det_names[MRL_NDET] = {
    "basal-UG",          "lower-stem",          "mGHG",      "upper-stem", "stem-length",
    "bulge-free-16-21",  "bulge-free-28-32",    "loop-size", "apical-UGU", "CNNC",
    "dicer-5p-counting", "dicer-loop-counting", "GYM",       "GU-stem",    "mature-5U"};

static const char *const det_sources[MRL_NDET] = {"Auyeung et al. 2013",
                                                  "Zeng et al. 2005; Han et al. 2006",
                                                  "Fang & Bartel 2015; Kwon et al. 2019",
                                                  "Ma et al. 2013; Fang & Bartel 2015",
                                                  "Fang & Bartel 2015; Roden et al. 2017",
                                                  "Roden et al. 2017",
                                                  "Roden et al. 2017",
                                                  "Zeng et al. 2005",
                                                  "Auyeung et al. 2013; Nguyen et al. 2015",
                                                  "Auyeung et al. 2013",
                                                  "Park et al. 2011",
                                                  "Gu et al. 2012",
                                                  "Lee et al. 2023",
                                                  "GU wobble (stem composition)",
                                                  "5' U of the mature (AGO loading)"};

const char *mrl_det_name(int d)
{
    return d >= 0 && d < MRL_NDET ? det_names[d] : NULL;
}

const char *mrl_det_source(int d)
{
    return d >= 0 && d < MRL_NDET ? det_sources[d] : NULL;
}

int mrl_det_find(const char *name)
{
    for (int d = 0; name && d < MRL_NDET; d++) {
        size_t k = 0;
        while (name[k] &&
               tolower((unsigned char)name[k]) == tolower((unsigned char)det_names[d][k]))
            k++;
        if (!name[k] && !det_names[d][k])
            return d;
    }
    return -1;
}

/* ---- the hairpin's geometry, found once per call ---------------------------------------- */

typedef struct geom {
    const char *seq;
    const int *pt;
    int n, s5, e5, s3, e3;
    int la, lb;    /* terminal loop's closing pair; la = -1 when none in [s5, e3] */
    int *ci, *cj;  /* (k) stem pairs from the loop's closing pair outward; base = last */
    int k;         /* stem pairs */
    int upper;     /* of them with i >= s5 */
    int base_seen; /* the basal junction lies inside the sequence */
} geom_t;

static char base_at(const geom_t *g, int p)
{
    if (p < 0 || p >= g->n)
        return 0;
    char c = (char)toupper((unsigned char)g->seq[p]);
    return c == 'T' ? 'U' : c;
}

static int is_gu(char a, char b)
{
    return (a == 'G' && b == 'U') || (a == 'U' && b == 'G');
}

int mrl_det_terminal_loop(const int *partner, const int duplex[4], int loop[2])
{
    double mid = 0.5 * (duplex[1] + duplex[2]), best = (double)INFINITY;
    for (int i = duplex[0]; i <= duplex[3]; i++) {
        int j = partner[i];
        if (j <= i || j > duplex[3])
            continue;
        int q = i + 1;
        while (q < j && partner[q] < 0)
            q++;
        if (q < j)
            continue; /* something pairs inside: not a hairpin loop */
        double dist = mid < i ? i - mid : (mid > j ? mid - j : 0);
        if (dist < best)
            best = dist, loop[0] = i, loop[1] = j;
    }
    return best < (double)INFINITY;
}

int mrl_pairtable_ok(const int *partner, size_t n, int *bad)
{
    for (size_t p = 0; p < n; p++) {
        int q = partner[p];
        if (q < -1 || (size_t)(q + 1) > n || q == (int)p || (q >= 0 && partner[q] != (int)p)) {
            if (bad)
                *bad = (int)p;
            return 0;
        }
    }
    return 1;
}

/* Walk the stem outward from the loop (header: conventions). */
static void walk_stem(geom_t *g)
{
    g->k = g->upper = 0, g->base_seen = 0;
    if (g->la < 0)
        return;
    int i = g->la, j = g->lb;
    for (;;) {
        g->ci[g->k] = i, g->cj[g->k] = j, g->k++;
        if (i >= g->s5)
            g->upper++;
        int a = i - 1, b = j + 1;
        while (a >= 0 && g->pt[a] < 0)
            a--;
        while (b < g->n && g->pt[b] < 0)
            b++;
        int run5 = i - a - 1, run3 = b - j - 1; /* unpaired nt beyond (i, j) */
        int branch = a >= 0 && b < g->n && g->pt[a] != b;
        int lower = a < g->s5;
        if (a < 0 || b >= g->n || branch || (lower && (run5 > MRL_DET_GAP || run3 > MRL_DET_GAP))) {
            g->base_seen = branch || run5 > MRL_DET_GAP || run3 > MRL_DET_GAP;
            return;
        }
        i = a, j = b;
    }
}

static void mask_range(uint8_t *mask, int n, int lo, int hi)
{
    for (int p = MRL_MAX(lo, 0); mask && p <= hi && p < n; p++)
        mask[p] = 1;
}

/* Unpaired nt between stem pairs with bp index lo..hi from the base (-1 when the stem has
 * fewer pairs), marking both strands' stretch in mask. */
static int zone_gaps(const geom_t *g, int lo, int hi, uint8_t *mask)
{
    if (g->k < hi)
        return -1;
    int ko = g->k - lo, ki = g->k - hi; /* chain indices of pairs lo (outer) and hi (inner) */
    int gaps = 0;
    for (int p = g->ci[ko]; p <= g->ci[ki]; p++)
        gaps += g->pt[p] < 0;
    for (int p = g->cj[ki]; p <= g->cj[ko]; p++)
        gaps += g->pt[p] < 0;
    mask_range(mask, g->n, g->ci[ko], g->ci[ki]);
    mask_range(mask, g->n, g->cj[ki], g->cj[ko]);
    return gaps;
}

/* ---- one determinant per function: each fills hit and mask --------------------------- */

static void det_basal_ug(const geom_t *g, uint8_t *mask, mrl_det_hit_t *h)
{
    int p = g->s5 - UG_OFF;
    mask_range(mask, g->n, p, p + 1);
    if (p < 0)
        return;
    h->visible = 1;
    h->present = base_at(g, p) == 'U' && base_at(g, p + 1) == 'G';
    h->value = h->present;
}

static void det_lower_stem(const geom_t *g, uint8_t *mask, mrl_det_hit_t *h)
{
    if (g->k == 0)
        return;
    int bi = g->ci[g->k - 1], bj = g->cj[g->k - 1];
    mask_range(mask, g->n, MRL_MIN(bi, g->s5), g->s5 - 1);
    mask_range(mask, g->n, g->e3 + 1, MRL_MAX(bj, g->e3));
    if (!g->base_seen)
        return;
    int bp = g->k - g->upper;
    h->visible = 1, h->value = bp;
    h->present = abs(bp - LOWER_BP) <= LOWER_TOL;
}

static void det_mghg(const geom_t *g, uint8_t *mask, mrl_det_hit_t *h)
{
    int lo = g->e3 + GHG_LO, hi = g->e3 + GHG_HI + 2;
    mask_range(mask, g->n, lo, hi);
    if (hi >= g->n)
        return;
    h->visible = 1;
    for (int t = lo; t <= g->e3 + GHG_HI; t++) {
        char m = base_at(g, t + 1);
        if (base_at(g, t) == 'G' && m != 'G' && m && base_at(g, t + 2) == 'G' && g->pt[t + 1] < 0)
            h->present = 1;
    }
    h->value = h->present;
}

static void mask_upper(const geom_t *g, uint8_t *mask)
{
    mask_range(mask, g->n, g->s5, g->la);
    mask_range(mask, g->n, g->lb, g->e3);
}

static void det_upper_stem(const geom_t *g, uint8_t *mask, mrl_det_hit_t *h)
{
    h->visible = 1;
    if (g->la < 0)
        return;
    mask_upper(g, mask);
    int bp = 0;
    for (int i = g->s5; i <= g->la; i++)
        bp += g->pt[i] >= g->lb && g->pt[i] <= g->e3;
    h->value = bp;
    h->present = abs(bp - UPPER_BP) <= UPPER_TOL;
}

static void det_stem_length(const geom_t *g, uint8_t *mask, mrl_det_hit_t *h)
{
    if (g->k == 0)
        return;
    det_lower_stem(g, mask, h);
    mask_upper(g, mask);
    h->present = 0, h->value = (double)NAN;
    if (!h->visible)
        return;
    h->value = g->k;
    h->present = abs(g->k - STEM_BP) <= STEM_TOL;
}

static void det_bulge_free(const geom_t *g, int lo, int hi, uint8_t *mask, mrl_det_hit_t *h)
{
    if (!g->base_seen)
        return;
    h->visible = 1;
    int gaps = zone_gaps(g, lo, hi, mask);
    if (gaps < 0)
        return;
    h->value = gaps;
    h->present = gaps == 0;
}

static void det_loop_size(const geom_t *g, uint8_t *mask, mrl_det_hit_t *h)
{
    h->visible = 1;
    if (g->la < 0)
        return;
    mask_range(mask, g->n, g->la + 1, g->lb - 1);
    h->value = g->lb - g->la - 1;
    h->present = h->value >= LOOP_MIN;
}

static void det_apical_ugu(const geom_t *g, uint8_t *mask, mrl_det_hit_t *h)
{
    h->visible = 1;
    if (g->la < 0)
        return;
    int lo = MRL_MAX(g->la + 1 - APICAL_PAD, 0), hi = MRL_MIN(g->lb - 1 + APICAL_PAD, g->n - 1);
    mask_range(mask, g->n, lo, hi);
    int count = 0;
    for (int p = lo; p + 2 <= hi; p++) {
        char a = base_at(g, p), b = base_at(g, p + 1), c = base_at(g, p + 2);
        count += (a == 'U' && b == 'G' && c == 'U') || (a == 'G' && b == 'U' && c == 'G');
    }
    h->value = count;
    h->present = count > 0;
}

static void det_cnnc(const geom_t *g, uint8_t *mask, mrl_det_hit_t *h)
{
    int lo = g->e3 + CNNC_LO, hi = g->e3 + CNNC_HI + 3;
    mask_range(mask, g->n, lo, hi);
    if (hi >= g->n)
        return;
    h->visible = 1;
    for (int t = lo; t <= g->e3 + CNNC_HI; t++)
        if (base_at(g, t) == 'C' && base_at(g, t + 3) == 'C')
            h->present = 1;
    h->value = h->present;
}

static void det_dicer_5p(const geom_t *g, uint8_t *mask, mrl_det_hit_t *h)
{
    mask_range(mask, g->n, g->s5, g->e5);
    h->visible = 1;
    h->value = g->e5 - g->s5 + 1;
    h->present = h->value >= DICER5_LO && h->value <= DICER5_HI;
}

static void det_dicer_loop(const geom_t *g, uint8_t *mask, mrl_det_hit_t *h)
{
    int u = g->e5 + 1;
    while (u < g->s3 && g->pt[u] >= 0)
        u++;
    h->visible = 1;
    if (u >= g->s3) /* the 5p strand is paired up to the 3p mature: no loop 3' of the cut */
        return;
    mask_range(mask, g->n, g->e5 + 1, u);
    h->value = u - g->e5 - 1;
    h->present = abs(u - g->e5 - 1 - DLOOP_NT) <= DLOOP_TOL;
}

static void det_gym(const geom_t *g, uint8_t *mask, mrl_det_hit_t *h)
{
    int p = g->e5 - 1; /* G at -2, Y at -1, M at +1 from the cut after e5 */
    mask_range(mask, g->n, p, g->e5 + 1);
    if (p < 0 || g->e5 + 1 >= g->n)
        return;
    char y = base_at(g, g->e5), m = base_at(g, g->e5 + 1);
    int met = (base_at(g, p) == 'G' && g->pt[p] >= 0) +
              ((y == 'C' || y == 'U') && g->pt[g->e5] >= 0) +
              ((m == 'A' || m == 'C') && g->pt[g->e5 + 1] < 0);
    h->visible = 1, h->value = met;
    h->present = met == 3;
}

static void det_gu_stem(const geom_t *g, uint8_t *mask, mrl_det_hit_t *h)
{
    h->visible = 1;
    if (g->k == 0)
        return;
    int count = 0;
    for (int c = 0; c < g->k; c++)
        if (is_gu(base_at(g, g->ci[c]), base_at(g, g->cj[c]))) {
            count++;
            mask_range(mask, g->n, g->ci[c], g->ci[c]);
            mask_range(mask, g->n, g->cj[c], g->cj[c]);
        }
    h->value = count;
    h->present = count > 0;
}

static void det_mature_5u(const geom_t *g, uint8_t *mask, mrl_det_hit_t *h)
{
    mask_range(mask, g->n, g->s5, g->s5);
    h->visible = 1;
    h->present = base_at(g, g->s5) == 'U';
    h->value = h->present;
}

/* ---- the front door ------------------------------------------------------------------- */

static int check_args(int d, const char *seq, const int *partner, size_t n, const int duplex[4],
                      const mrl_det_hit_t *hit)
{
    if (d < 0 || d >= MRL_NDET)
        return mrl_err_set(MRL_ERR_ARG, "determinant %d out of range (0..%d)", d, MRL_NDET - 1);
    if (!seq || !partner || !duplex || !hit)
        return mrl_err_set(MRL_ERR_ARG, "mrl_det_eval: NULL argument");
    if (n == 0 || n >= (size_t)1 << 30)
        return mrl_err_set(MRL_ERR_ARG, "mrl_det_eval: length %zu out of range", n);
    int N = (int)n;
    if (!(duplex[0] >= 0 && duplex[0] <= duplex[1] && duplex[1] < duplex[2] &&
          duplex[2] <= duplex[3] && duplex[3] < N))
        return mrl_err_set(MRL_ERR_ARG,
                           "duplex {%d, %d, %d, %d} is not 0 <= s5 <= e5 < s3 <= e3 < %d",
                           duplex[0], duplex[1], duplex[2], duplex[3], N);
    int p;
    if (!mrl_pairtable_ok(partner, n, &p))
        return mrl_err_set(MRL_ERR_ARG, "pair table: position %d pairs with %d, not back",
                           p + 1, partner[p] + 1);
    return 0;
}

int mrl_det_eval(int d, const char *seq, const int *partner, size_t n, const int duplex[4],
                 uint8_t *mask, mrl_det_hit_t *hit)
{
    int rc = check_args(d, seq, partner, n, duplex, hit);
    if (rc)
        return rc;
    geom_t g = {seq, partner, (int)n, duplex[0], duplex[1], duplex[2], duplex[3],
                -1,  -1,      NULL,   NULL,      0,         0,         0};
    g.ci = malloc(n * sizeof *g.ci), g.cj = malloc(n * sizeof *g.cj);
    if (!g.ci || !g.cj) {
        rc = mrl_err_set(MRL_ERR_NOMEM, "mrl_det_eval: out of memory (%zu nt)", n);
        goto done;
    }
    int loop[2] = {-1, -1};
    mrl_det_terminal_loop(partner, duplex, loop);
    g.la = loop[0], g.lb = loop[1];
    walk_stem(&g);
    if (mask)
        memset(mask, 0, n);
    hit->visible = 0, hit->present = 0, hit->value = (double)NAN;
    switch (d) {
    case MRL_DET_BASAL_UG:
        det_basal_ug(&g, mask, hit);
        break;
    case MRL_DET_LOWER_STEM:
        det_lower_stem(&g, mask, hit);
        break;
    case MRL_DET_MGHG:
        det_mghg(&g, mask, hit);
        break;
    case MRL_DET_UPPER_STEM:
        det_upper_stem(&g, mask, hit);
        break;
    case MRL_DET_STEM_LENGTH:
        det_stem_length(&g, mask, hit);
        break;
    case MRL_DET_BULGE_FREE1:
        det_bulge_free(&g, ZONE1_LO, ZONE1_HI, mask, hit);
        break;
    case MRL_DET_BULGE_FREE2:
        det_bulge_free(&g, ZONE2_LO, ZONE2_HI, mask, hit);
        break;
    case MRL_DET_LOOP_SIZE:
        det_loop_size(&g, mask, hit);
        break;
    case MRL_DET_APICAL_UGU:
        det_apical_ugu(&g, mask, hit);
        break;
    case MRL_DET_CNNC:
        det_cnnc(&g, mask, hit);
        break;
    case MRL_DET_DICER_5P:
        det_dicer_5p(&g, mask, hit);
        break;
    case MRL_DET_DICER_LOOP:
        det_dicer_loop(&g, mask, hit);
        break;
    case MRL_DET_GYM:
        det_gym(&g, mask, hit);
        break;
    case MRL_DET_GU_STEM:
        det_gu_stem(&g, mask, hit);
        break;
    default:
        det_mature_5u(&g, mask, hit);
        break;
    }
    if (!hit->visible)
        hit->present = 0, hit->value = (double)NAN;
done:
    free(g.ci);
    free(g.cj);
    return rc;
}
