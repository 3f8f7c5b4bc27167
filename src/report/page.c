/*
 * page.c - the page and pictures of `mirlens explain` for a biologist: the legend of the
 * hairpin image (drawn from the encoder's own colour and pair tables, docs/hairpin-image.md
 * section 6), the methods with their units and recorded sanity verdicts (Adebayo et al.
 * 2018), one section per record with each method's pictures and its numbers in words.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../encode/encode.h"
#include "../util/util.h"
#include "report.h"

const char rpt_page_check[] =
    "<script>\nwindow.addEventListener(\"load\", function () {\n"
    "  var bad = 0, im = document.images;\n"
    "  for (var i = 0; i < im.length; i++)\n"
    "    if (!im[i].complete || im[i].naturalWidth === 0) {\n"
    "      bad++;\n"
    "      console.error(\"mirlens report: cannot load \" + im[i].getAttribute(\"src\"));\n"
    "    }\n"
    "  document.body.setAttribute(\"data-images\", bad ? \"broken\" : \"ok\");\n"
    "  document.body.setAttribute(\"data-images-n\", String(im.length));\n"
    "  var el = document.querySelectorAll(\"[data-check]\");\n"
    "  for (var k = 0; k < el.length; k++) {\n"
    "    var r = el[k].getBoundingClientRect(), st = getComputedStyle(el[k]);\n"
    "    var vis = r.width > 0 && r.height > 0 && st.visibility !== \"hidden\" &&\n"
    "      st.display !== \"none\" && Number(st.opacity) > 0 &&\n"
    "      (el[k].tagName !== \"IMG\" || el[k].naturalWidth > 0);\n"
    "    el[k].setAttribute(\"data-visible\", vis ? \"yes\" : \"no\");\n"
    "    el[k].setAttribute(\"data-box\", [r.left + scrollX, r.top + scrollY, r.width,\n"
    "      r.height].map(Math.round).join(\",\"));\n"
    "  }\n"
    "});\n</script>\n";

const char *mrl_report_unit(int method, int per_nt)
{
    static const char *const unit[2][2] = {
        {"logit gradient per pixel", "logit gradient summed per nucleotide"},
        {"logit contribution per pixel", "logit contribution per nucleotide"}};
    return unit[mrl_explain_method_is_contribution(method) ? 1 : 0][per_nt ? 1 : 0];
}

int mrl_report_map_pictures(const char *stem, const mrl_report_map_t *m)
{
    const char *method = mrl_explain_method_name(m->method);
    if (!stem || !m->rgb || !m->map || !method)
        return mrl_err_set(MRL_ERR_ARG, "map pictures: bad arguments");
    char title[256], prob[64] = "";
    if (!isnan(m->prob) && !isnan(m->margin))
        snprintf(prob, sizeof prob, "  P=%.4f  MARGIN %.2f", (double)m->prob, (double)m->margin);
    else if (!isnan(m->prob))
        snprintf(prob, sizeof prob, "  P=%.4f", (double)m->prob);
    snprintf(title, sizeof title, "%s  %s%s", m->id ? m->id : "", method, prob);
    size_t len = strlen(stem) + 8;
    char *png = malloc(len), *svg = malloc(len);
    uint8_t *pic = NULL;
    int w, h, rc = png && svg ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (!rc) {
        snprintf(png, len, "%s.png", stem);
        snprintf(svg, len, "%s.svg", stem);
        rc = mrl_report_overlay(m->rgb, m->map, m->scale, title, mrl_report_unit(m->method, 0),
                                &pic, &w, &h);
    }
    if (!rc)
        rc = mrl_png_write(png, pic, w, h, 1);
    if (!rc && m->seq) {
        snprintf(title, sizeof title, "%s - %s", m->id ? m->id : "", method);
        rc = mrl_report_hairpin_svg(svg, m->seq, m->n, m->partner, m->hp, m->attr, title, m->mature,
                                    mrl_report_unit(m->method, 1));
    }
    free(png), free(svg), free(pic);
    return rc;
}

/* ---- the legend -------------------------------------------------------------------- */

static void fill(FILE *fp, const uint8_t *c)
{
    fprintf(fp, "fill=\"#%02x%02x%02x\"", c[0], c[1], c[2]);
}

/* Pixels each side of a column whose letters are top / bot, as the encoder draws it. */
static int side_px(char top, char bot)
{
    return enc_pair_len(bot, top) + 1;
}

/* Swatches of the base colours and four columns drawn with the encoder's pair lengths. */
static void legend_svg(FILE *fp)
{
    static const char *const base[5] = {"A", "C", "G", "U", "N"};
    static const char *const what[5] = {"A", "C", "G", "U (T)", "gap, N, other"};
    static const char pair[4][2] = {{'G', 'C'}, {'A', 'U'}, {'G', 'U'}, {'A', 'C'}};
    static const char *const pname[4] = {"G-C pair", "A-U pair", "G-U pair", "mismatch"};
    const int px = 6, mid = 70;
    fputs("<svg class=\"legend\" xmlns=\"http://www.w3.org/2000/svg\" width=\"660\" "
          "height=\"130\" viewBox=\"0 0 660 130\" font-family=\"sans-serif\" "
          "font-size=\"12\">\n<text x=\"0\" y=\"14\" font-weight=\"bold\">base colours</text>\n",
          fp);
    for (int k = 0; k < 5; k++) {
        fprintf(fp, "<rect x=\"0\" y=\"%d\" width=\"16\" height=\"16\" stroke=\"#888\" ",
                24 + 20 * k);
        fill(fp, enc_colour(base[k][0]));
        fprintf(fp, "/><text x=\"22\" y=\"%d\">%s</text>\n", 37 + 20 * k, what[k]);
    }
    fputs("<text x=\"170\" y=\"14\" font-weight=\"bold\">bar height = the pair (paired "
          "columns)</text>\n",
          fp);
    for (int k = 0; k < 4; k++) {
        int x = 180 + 120 * k, t = side_px(pair[k][0], pair[k][1]);
        fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"%d\" ", x, mid - t * px, t * px);
        fill(fp, enc_colour(pair[k][0]));
        fprintf(fp, "/><rect x=\"%d\" y=\"%d\" width=\"12\" height=\"%d\" ", x, mid, t * px);
        fill(fp, enc_colour(pair[k][1]));
        fprintf(fp,
                "/><text x=\"%d\" y=\"%d\">%s</text><text x=\"%d\" y=\"%d\">%d px each side"
                "</text>\n",
                x + 16, mid - 4, pname[k], x + 16, mid + 12, t);
    }
    fprintf(fp,
            "<line x1=\"170\" y1=\"%d\" x2=\"660\" y2=\"%d\" stroke=\"#999\" "
            "stroke-dasharray=\"3\"/><text x=\"170\" y=\"124\">dashed: the image's middle line "
            "(5&#8242; arm above, 3&#8242; arm below)</text>\n</svg>\n",
            mid, mid);
}

static void legend(FILE *fp)
{
    fputs("<section class=\"legend\" id=\"legend\" data-check=\"legend\"><h2>How to read the "
          "pictures</h2>\n",
          fp);
    legend_svg(fp);
    fprintf(fp,
            "<p><b>The hairpin image</b> (upper panel of each picture: 25 &times; 100 pixels, "
            "what the network sees). The fold is drawn as two strands side by side: the "
            "<b>top half is the 5&#8242; arm</b> (bars grow upwards from the middle line), the "
            "<b>bottom half the 3&#8242; arm</b> (bars grow downwards). <b>Column 0, at the left "
            "edge, is the terminal loop</b>; each column to the right is one step of the "
            "two-strand alignment outwards, so the sequence's ends are at the right end of the "
            "drawing and the columns after them stay white. A bar's <b>colour is its base</b>, "
            "its <b>height the pair</b>: %d pixels on each side for G&ndash;C, %d for "
            "A&ndash;U, %d for G&ndash;U, %d for any other pair of letters; a base facing a "
            "gap has %d. Unpaired bases (loops, bulges, interior loops) grow by 2 pixels per "
            "step into their run, so loops stand out as tall bars. Black is a gap in the "
            "alignment (the other arm has an unpaired base there) or a letter other than A, C, "
            "G, U.</p>\n",
            side_px('G', 'C'), side_px('A', 'U'), side_px('G', 'U'), side_px('A', 'C'),
            side_px('A', ENC_GAP));
    fputs("<p><b>The attribution map</b> (lower panel) colours the same pixels: <span "
          "class=\"pos\">red raises</span> the explained logit, <span class=\"neg\">blue "
          "lowers</span> it (for a sensitivity method the sign is the direction in which "
          "the pixel's brightness would raise it); colours saturate at the 98th percentile of "
          "the magnitudes. The numbered colour bar under it gives the values in the method's "
          "unit. <b>The drawing of the structure</b> colours each nucleotide by the sum of the "
          "map over its bars (unit per nucleotide), with 5&#8242; and 3&#8242; ends marked, "
          "every 10th position numbered and, when a mature table was given "
          "(<code>--mature</code>), the mature miRNA ringed in orange. Positions are "
          "1-based.</p>\n</section>\n",
          fp);
}

/* ---- the methods ------------------------------------------------------------------- */

static void verdict(FILE *fp, int method, int details)
{
    const char *why;
    int v = mrl_explain_method_sanity(method, &why);
    fprintf(fp,
            "<span class=\"verdict %s\" data-check=\"verdict\">sanity check: %s (recorded)</span>",
            v == 1   ? "pass"
            : v == 0 ? "fail"
                     : "untested",
            v == 1   ? "passes"
            : v == 0 ? "FAILS"
                     : "untested");
    if (method == MRL_EXPLAIN_SMOOTHGRAD_GUIDED)
        fputs(" <span class=\"seed\">the seed's method (Cordero et al. 2019)</span>", fp);
    if (details) {
        fputs(" <small>", fp);
        mrl_report_escape(fp, why);
        fputs("</small>", fp);
    }
}

static void methods_table(FILE *fp, const int *methods, int n_methods)
{
    fputs("<h2>Methods</h2>\n<p>The sanity verdicts are <b>recorded</b> for the shipped "
          "default model (model-randomisation checks of <code>experiments/findings.sh</code>, "
          "docs/FINDINGS.md): a method fails when its maps barely change as the network's "
          "weights are re-drawn layer by layer (mean |&rho;| over the cascade) or replaced "
          "by a network trained on shuffled labels (&rho; &ge; 0.5), i.e. when the map shows "
          "the image more than the network. <code>mirlens explain --sanity FILE</code> "
          "measures them for any model.</p>\n<table class=\"methods\" "
          "data-check=\"methods\"><tr><th class=\"l\">"
          "method</th><th class=\"l\">values</th><th class=\"l\">sanity (recorded)</th></tr>\n",
          fp);
    for (int j = 0; j < n_methods; j++) {
        fprintf(fp, "<tr><td class=\"l\">%s</td><td class=\"l\">%s</td><td class=\"l\">",
                mrl_explain_method_name(methods[j]), mrl_report_unit(methods[j], 0));
        verdict(fp, methods[j], 1);
        fputs("</td></tr>\n", fp);
    }
    fputs("</table>\n", fp);
}

/* ---- the page ---------------------------------------------------------------------- */

static const char page_css[] =
    "body{font-family:sans-serif;margin:1.5em;color:#222;max-width:1400px}\n"
    "section{border-top:2px solid #ccc;margin-top:1.5em;padding-top:.5em}\n"
    ".m{display:inline-block;vertical-align:top;margin:.5em 1.5em .5em 0;max-width:820px}\n"
    ".m img{display:block;max-width:100%;border:1px solid #ddd;margin:.3em 0}\n"
    "code{font-size:.85em;word-break:break-all}\n"
    "table{border-collapse:collapse;font-size:.85em}\n"
    "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}\n"
    "td.l,th.l{text-align:left}\n"
    ".pos{color:#b40426}.neg{color:#3b4cc0}.yes{color:#b40426;font-weight:bold}\n"
    ".verdict{font-size:.8em;font-weight:normal;padding:1px 5px;border-radius:3px}\n"
    ".pass{background:#d9f2d9}.fail{background:#f8d0d0}.untested{background:#eee}\n"
    ".seed{font-size:.8em;font-weight:normal;font-style:italic}\n"
    ".warn{background:#fff3cd;border-left:4px solid #e0a800;padding:.3em .6em}\n"
    "dl.nums dt{font-weight:bold;margin-top:.3em}dl.nums dd{margin-left:1em}\n";

void mrl_report_page_head(FILE *fp, const char *input, const char *model,
                          const mrl_explain_opts_t *ex, const int *methods, int n_methods)
{
    fprintf(fp,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>mirlens explain</title>\n<style>\n%s</style>\n</head>\n<body>\n"
            "<h1>mirlens explain</h1>\n<p>Input <code>",
            page_css);
    mrl_report_escape(fp, input ? input : "-");
    fputs("</code>, model <code>", fp);
    mrl_report_escape(fp, model ? model : "");
    fprintf(fp,
            "</code>, seed %llu.</p>\n<p><b>Scores.</b> <i>P(pre-miRNA)</i> is the network's "
            "probability; the <i>margin</i> is the difference of its two logits z1 &minus; z0 "
            "= ln(P / (1 &minus; P)), which keeps ranking hairpins where the probability "
            "rounds to 1. Every map explains the <b>logit of class %d</b>%s (the network's "
            "output before the softmax), so its values are in logit units.</p>\n",
            (unsigned long long)ex->seed, ex->target,
            ex->target == 1   ? " (pre-miRNA)"
            : ex->target == 0 ? " (other)"
                              : "");
    legend(fp);
    methods_table(fp, methods, n_methods);
}

void mrl_report_page_record(FILE *fp, const char *name, const mrl_report_map_t *m,
                            const char *structure, int mfe, int outside, long lo, long hi)
{
    fprintf(fp, "<section id=\"%s\">\n<h2>", name);
    mrl_report_escape(fp, m->id ? m->id : "");
    fputs("</h2>\n<p>", fp);
    if (m->seq) {
        char eb[16];
        mrl_energy_str(mfe, eb);
        fprintf(fp, "%zu nt, MFE %s kcal/mol; ", m->n, eb);
    }
    fprintf(fp, "P(pre-miRNA) = %.4f, margin %.3f: <span class=\"%s\">%s</span></p>\n",
            (double)m->prob, (double)m->margin, m->prob >= 0.5f ? "yes" : "no",
            m->prob >= 0.5f ? "pre-miRNA" : "other");
    if (m->seq) {
        fputs("<p><code>", fp);
        mrl_report_escape(fp, m->seq);
        fprintf(fp, "<br>%s</code></p>\n", structure ? structure : "");
    }
    if (outside)
        fprintf(fp,
                "<p class=\"warn\">%zu nt is outside the lengths the model was trained on "
                "(%ld-%ld nt): this score and its explanation are an extrapolation. For "
                "genomic sequence use <code>mirlens scan</code>.</p>\n",
                m->n, lo, hi);
}

/* The numbers of one map in words, with units. */
static void map_numbers(FILE *fp, const mrl_report_map_t *m)
{
    const mrl_explain_info_t *in = m->info;
    fprintf(fp,
            "<dl class=\"nums\"><dt>explained logit</dt><dd>%.4g</dd><dt>total attribution"
            "</dt><dd>%.4g (%s, summed over all pixels)</dd>\n",
            (double)in->score, (double)in->total, mrl_report_unit(m->method, 0));
    if (isnan(in->ref)) {
        fputs("</dl>\n", fp);
        return;
    }
    fprintf(fp,
            "<dt>score minus reference score</dt><dd>%.4g (the logit of this hairpin minus "
            "the reference's: the white image for integrated-gradients and kernel-shap, the "
            "mean over the background images for shap)</dd>\n<dt>completeness gap</dt><dd>"
            "%.3g = total attribution &minus; (score minus reference score); should be about "
            "0 for integrated-gradients, whose map accounts for the whole change from the "
            "reference (more <code>--steps</code> make it smaller)</dd></dl>\n",
            (double)(in->score - in->ref), (double)in->gap);
}

void mrl_report_page_map(FILE *fp, const char *name, const mrl_report_map_t *m, int top)
{
    const char *method = mrl_explain_method_name(m->method);
    fprintf(fp, "<div class=\"m\"><h3>%s ", method);
    verdict(fp, m->method, 0);
    fprintf(fp, "</h3>\n<img src=\"%s.%s.png\" alt=\"%s map\" data-check=\"map\">\n", name, method,
            method);
    if (m->seq)
        fprintf(fp, "<img src=\"%s.%s.svg\" alt=\"%s structure\" data-check=\"structure\">\n", name,
                method, method);
    if (m->info)
        map_numbers(fp, m);
    if (m->seq && top > 0) {
        fprintf(fp, "<p>Strongest %d positions by |attribution| (%s)%s</p>\n", top,
                mrl_report_unit(m->method, 1),
                mrl_explain_method_is_contribution(m->method)
                    ? ":"
                    : ". A gradient's sign is the direction in which brightening the bars "
                      "would move the logit: on the white background a bar that supports the "
                      "call usually has a negative gradient, so read the magnitude, not the "
                      "sign:");
        mrl_report_top_table(fp, m->seq, m->n, m->partner, m->context, m->attr, top);
    }
    fprintf(fp, "<p><a href=\"%s.%s.npy\">pixel map (.npy)</a></p></div>\n", name, method);
}

void mrl_report_page_record_end(FILE *fp)
{
    fputs("</section>\n", fp);
}

void mrl_report_page_end(FILE *fp, long done, long refused)
{
    fprintf(fp, "<p>%ld sequence%s explained", done, done == 1 ? "" : "s");
    if (refused)
        fprintf(fp, "; %ld without a hairpin loop skipped", refused);
    fprintf(fp, ".</p>\n%s</body>\n</html>\n", rpt_page_check);
}
