/*
 * metrics.c - binary classification metrics of a scored, labelled set: the confusion
 * counts at a threshold, accuracy, sensitivity, specificity, precision, F1, Matthews
 * correlation, the area under the ROC curve (Mann-Whitney U with average ranks for tied
 * scores) and the area under the precision-recall curve (average precision, ties
 * grouped; as scikit-learn's average_precision_score), and the curves themselves.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"

typedef struct {
    float s;
    int y;
} scored_t;

static int by_score_desc(const void *a, const void *b)
{
    float x = ((const scored_t *)a)->s, y = ((const scored_t *)b)->s;
    return x > y ? -1 : x < y ? 1 : 0;
}

static scored_t *sorted_copy(const float *score, const int8_t *label, size_t n)
{
    scored_t *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return NULL;
    for (size_t k = 0; k < n; k++) {
        v[k].s = score[k];
        v[k].y = label[k] > 0;
    }
    qsort(v, n, sizeof *v, by_score_desc);
    return v;
}

static double safe_div(double a, double b)
{
    return b > 0 ? a / b : 0.0;
}

int mrl_metrics_compute(const float *score, const int8_t *label, size_t n, float threshold,
                        mrl_metrics_t *m)
{
    memset(m, 0, sizeof *m);
    for (size_t k = 0; k < n; k++) {
        if (isnan(score[k]))
            return mrl_err_set(MRL_ERR_ARG, "metrics: score %zu is NaN", k);
        int pos = label[k] > 0, call = score[k] >= threshold;
        m->n_pos += pos;
        m->tp += pos && call;
        m->fn += pos && !call;
        m->fp += !pos && call;
        m->tn += !pos && !call;
    }
    m->n_neg = (long)n - m->n_pos;
    m->accuracy = safe_div((double)(m->tp + m->tn), (double)n);
    m->sensitivity = safe_div((double)m->tp, (double)(m->tp + m->fn));
    m->specificity = safe_div((double)m->tn, (double)(m->tn + m->fp));
    m->precision = safe_div((double)m->tp, (double)(m->tp + m->fp));
    m->f1 = safe_div(2.0 * m->precision * m->sensitivity, m->precision + m->sensitivity);
    double tp = (double)m->tp, tn = (double)m->tn, fp = (double)m->fp, fn = (double)m->fn;
    m->mcc = safe_div(tp * tn - fp * fn, sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)));
    m->auroc = m->auprc = (double)NAN;
    if (m->n_pos == 0 || m->n_neg == 0)
        return 0;
    scored_t *v = sorted_copy(score, label, n);
    if (!v)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    /* AUROC = P(score_pos > score_neg) + 0.5 P(tie): walk groups of equal scores from the
     * top; AP = sum over groups of (recall step) * precision at the group's end. */
    double above_neg = 0, u = 0, ap = 0, tp_c = 0, fp_c = 0;
    for (size_t a = 0; a < n;) {
        size_t b = a;
        double gp = 0, gn = 0;
        while (b < n && v[b].s == v[a].s) {
            gp += v[b].y;
            gn += !v[b].y;
            b++;
        }
        /* positives in this group beat every negative below: count pairs from the top */
        u += gp * ((double)m->n_neg - above_neg - gn) + 0.5 * gp * gn;
        above_neg += gn;
        tp_c += gp;
        fp_c += gn;
        if (gp > 0)
            ap += (gp / (double)m->n_pos) * (tp_c / (tp_c + fp_c));
        a = b;
    }
    m->auroc = u / ((double)m->n_pos * (double)m->n_neg);
    m->auprc = ap;
    free(v);
    return 0;
}

int mrl_metrics_curves(const float *score, const int8_t *label, size_t n, double **fpr,
                       double **tpr, double **recall, double **precision, size_t *npoints)
{
    *fpr = *tpr = *recall = *precision = NULL;
    *npoints = 0;
    long np = 0;
    for (size_t k = 0; k < n; k++)
        np += label[k] > 0;
    long nn = (long)n - np;
    scored_t *v = sorted_copy(score, label, n);
    double *a = malloc((n + 2) * sizeof *a), *b = malloc((n + 2) * sizeof *b);
    double *c = malloc((n + 2) * sizeof *c), *d = malloc((n + 2) * sizeof *d);
    if (!v || !a || !b || !c || !d) {
        free(v), free(a), free(b), free(c), free(d);
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    }
    size_t m = 0;
    double tp = 0, fp = 0;
    a[m] = 0, b[m] = 0, c[m] = 0, d[m] = 1;
    m++;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && v[j].s == v[i].s) {
            tp += v[j].y;
            fp += !v[j].y;
            j++;
        }
        a[m] = safe_div(fp, (double)nn);
        b[m] = safe_div(tp, (double)np);
        c[m] = b[m];
        d[m] = safe_div(tp, tp + fp);
        m++;
        i = j;
    }
    free(v);
    *fpr = a, *tpr = b, *recall = c, *precision = d;
    *npoints = m;
    return 0;
}
