/*
 * test_metrics.c - classification metrics on hand-worked cases.
 */
#include "test.h"
#include "mirlens.h"

int main(void)
{
    mrl_metrics_t m;
    const float s1[] = {0.9f, 0.8f, 0.7f, 0.6f};
    const int8_t y1[] = {1, 0, 1, 0};
    CHECK_INT(mrl_metrics_compute(s1, y1, 4, 0.5f, &m), 0);
    CHECK_INT(m.tp, 2);
    CHECK_INT(m.fp, 2);
    CHECK_INT(m.tn, 0);
    CHECK_CLOSE(m.accuracy, 0.5, 1e-12, 0);
    CHECK_CLOSE(m.sensitivity, 1.0, 1e-12, 0);
    CHECK_CLOSE(m.specificity, 0.0, 1e-12, 0);
    CHECK_CLOSE(m.precision, 0.5, 1e-12, 0);
    CHECK_CLOSE(m.f1, 2.0 / 3.0, 1e-12, 0);
    CHECK_CLOSE(m.mcc, 0.0, 1e-12, 0);
    /* 3 of the 4 (pos, neg) pairs are ordered correctly */
    CHECK_CLOSE(m.auroc, 0.75, 1e-12, 0);
    /* AP: recall 0.5 at precision 1, recall 1 at precision 2/3 */
    CHECK_CLOSE(m.auprc, 0.5 + 0.5 * 2.0 / 3.0, 1e-12, 0);

    CHECK_INT(mrl_metrics_compute(s1, y1, 4, 0.75f, &m), 0);
    CHECK_INT(m.tp, 1);
    CHECK_INT(m.fn, 1);
    CHECK_INT(m.fp, 1);
    CHECK_INT(m.tn, 1);
    CHECK_CLOSE(m.mcc, 0.0, 1e-12, 0);

    /* perfect separation; MCC 1 */
    const float s2[] = {0.1f, 0.2f, 0.8f, 0.9f, 0.95f};
    const int8_t y2[] = {0, 0, 1, 1, 1};
    CHECK_INT(mrl_metrics_compute(s2, y2, 5, 0.5f, &m), 0);
    CHECK_CLOSE(m.auroc, 1.0, 1e-12, 0);
    CHECK_CLOSE(m.auprc, 1.0, 1e-12, 0);
    CHECK_CLOSE(m.mcc, 1.0, 1e-12, 0);
    CHECK_INT(m.n_pos, 3);
    CHECK_INT(m.n_neg, 2);

    /* ties count half; AP groups ties */
    const float s3[] = {0.5f, 0.5f, 0.5f, 0.1f};
    const int8_t y3[] = {1, 0, 0, 1};
    CHECK_INT(mrl_metrics_compute(s3, y3, 4, 0.5f, &m), 0);
    /* pos 0.5 vs negs 0.5 0.5: 2 ties = 1; pos 0.1 vs negs: 0 -> 1/4 */
    CHECK_CLOSE(m.auroc, 0.25, 1e-12, 0);
    /* group {0.5}: recall 0.5 at precision 1/3; then recall 1 at precision 2/4 */
    CHECK_CLOSE(m.auprc, 0.5 / 3.0 + 0.5 * 0.5, 1e-12, 0);

    /* one class only: areas undefined */
    const int8_t y4[] = {1, 1, 1, 1};
    CHECK_INT(mrl_metrics_compute(s1, y4, 4, 0.5f, &m), 0);
    CHECK(isnan(m.auroc) && isnan(m.auprc));

    const float s5[] = {NAN};
    CHECK_INT(mrl_metrics_compute(s5, y4, 1, 0.5f, &m), MRL_ERR_ARG);

    double *fpr, *tpr, *rec, *prec;
    size_t np;
    CHECK_INT(mrl_metrics_curves(s1, y1, 4, &fpr, &tpr, &rec, &prec, &np), 0);
    CHECK_INT(np, 5);
    CHECK_CLOSE(fpr[4], 1.0, 1e-12, 0);
    CHECK_CLOSE(tpr[1], 0.5, 1e-12, 0);
    CHECK_CLOSE(prec[3], 2.0 / 3.0, 1e-12, 0);
    free(fpr), free(tpr), free(rec), free(prec);
    return test_summary("test_metrics");
}
