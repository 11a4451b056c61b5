/* A small deterministic pseudo-random generator: xoshiro256** seeded through splitmix64
 * (Blackman & Vigna). Same seed, same sequence on every machine and compiler: only 64-bit integer
 * arithmetic, no floating point, no library state. Not for anything secret. */
#ifndef SIXBB_RNG_H
#define SIXBB_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct rng {
    uint64_t s[4];
};

/* One step of splitmix64: advances *state and returns a well-mixed word. */
uint64_t splitmix64(uint64_t *state);
/* Seeds a generator from a seed and a stream number, so that independent streams (one per
 * patient, say) can be derived from one user seed without correlation. */
void rng_seed(struct rng *r, uint64_t seed, uint64_t stream);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, n); n > 0. Rejection sampling, so no modulo bias. */
uint32_t rng_below(struct rng *r, uint32_t n);
/* Uniform in [lo, hi] (inclusive); lo <= hi. */
int rng_range(struct rng *r, int lo, int hi);
/* True with probability permille / 1000. */
bool rng_permille(struct rng *r, int permille);
/* Index drawn from integer weights (sum > 0). */
int rng_weighted(struct rng *r, const int *weights, int n);

#endif
