/*
 * rng.c - PCG32 (O'Neill 2014, "PCG: a family of simple fast space-efficient
 * statistically good algorithms for random number generation"), XSH-RR variant.
 *
 * One explicit state per stochastic stream keeps every result reproducible.
 */
#include <math.h>
#include "mirlens.h"

void mrl_rng_init(mrl_rng_t *rng, uint64_t seed, uint64_t stream)
{
    rng->state = 0;
    rng->inc = (stream << 1u) | 1u;
    (void)mrl_rng_u32(rng);
    rng->state += seed;
    (void)mrl_rng_u32(rng);
}

uint32_t mrl_rng_u32(mrl_rng_t *rng)
{
    uint64_t old = rng->state;
    rng->state = old * 6364136223846793005ULL + rng->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31));
}

uint32_t mrl_rng_below(mrl_rng_t *rng, uint32_t bound)
{
    /* Lemire-free rejection: discard the top sliver that would bias the modulus. */
    uint32_t threshold = (0u - bound) % bound;
    for (;;) {
        uint32_t r = mrl_rng_u32(rng);
        if (r >= threshold)
            return r % bound;
    }
}

float mrl_rng_uniform(mrl_rng_t *rng)
{
    return (float)(mrl_rng_u32(rng) >> 8) * (1.0f / 16777216.0f);
}

float mrl_rng_normal(mrl_rng_t *rng)
{
    /* Box-Muller; u1 in (0,1] so log() is finite. One deviate per call keeps the
     * stream position independent of the caller's pairing. */
    double u1 = ((double)(mrl_rng_u32(rng) >> 8) + 1.0) / 16777216.0;
    double u2 = (double)(mrl_rng_u32(rng) >> 8) / 16777216.0;
    return (float)(sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
}
