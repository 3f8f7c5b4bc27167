/*
 * encode.h - internals of the hairpin-image encoder (not public; tests include it).
 *
 * hairpin.c chooses the terminal loop and runs the jar's two-strand walk; draw.c holds the
 * per-column drawing rules (pair table, colours, the ramp of unpaired runs). Spec:
 * docs/hairpin-image.md sections 4-6.
 */
#ifndef MRL_ENCODE_H
#define MRL_ENCODE_H

#include <stddef.h>
#include <stdint.h>
#include "mirlens.h"

/* The alignment gap character of the walk (the jar's '-'; a '-' in the sequence is drawn
 * exactly like a gap, as in the jar). */
#define ENC_GAP '-'

/* Terminal loop choice (LocateLoop.locateCentral): among all '(' '.'+ ')' runs, the one
 * minimising min(|mid - o|, |mid - (k + 1)|), mid = n / 2, leftmost on a tie.
 * Returns 1 with *o, *k set, or 0 when there is no hairpin loop. */
int enc_find_loop(const char *fold, size_t n, size_t *o, size_t *k);

/* Base bar length getBndDst(bottom, top): 1 G-C, 2 A-U, 3 G-U, 4 any other letter pair,
 * 1 a letter facing a gap, except 4 for a non-ACGU bottom letter (any top). Case-blind,
 * T = U. Note the argument order: bottom (3') first. */
int enc_pair_len(char bot, char top);

/* Extra length of an unpaired column c whose run of '.' statuses is bounded by the nearest
 * non-'.' columns l (< c, -1 if none) and r (> c, C if none): getLineLen, including its
 * quirk N = l + r + 1 (spec 6.2). */
int enc_run_extra(int c, int l, int r);

/* Colour of a character: RGB triple of A/C/G/U/T (any case), black for anything else. */
const uint8_t *enc_colour(char ch);

/* Draw column c: the bottom bar (rows 13 .. 13+bot_len) in colour(bot), then the top bar
 * (rows 12-top_len .. 12) in colour(top), clipped to the canvas. rgb is (25,100,3).
 * Stores the drawn heights in pixels. */
void enc_draw_column(uint8_t *rgb, int c, char top, char bot, int top_len, int bot_len,
                     uint8_t *top_px, uint8_t *bot_px);

#endif
