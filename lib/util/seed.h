/*
 * seed.h - random streams keyed by what they are for, not by when they are
 * drawn: the seed of a stream depends on the run's seed, an individual's ID
 * (its text, as in the records) and a stream tag only, so an individual
 * gets the same numbers whatever the other individuals, their number, their
 * order or the split of a run into parts.
 *
 * Tags: twin-sim's replicate r uses TWIN_STREAM_REP(r); twin-pop's person
 * uses TWIN_STREAM_PERSON, which no replicate tag equals, so a person's
 * body and the random effects twin-sim draws for the same ID and seed are
 * independent.
 *
 * No allocation, no errors.
 */
#ifndef TWIN_SEED_H
#define TWIN_SEED_H

#define TWIN_STREAM_REP(rep)	((unsigned long long)(rep) << 32)
#define TWIN_STREAM_PERSON	1ULL

/* The seed (for gsl_rng_set) of the stream tag of individual id. */
unsigned long twin_stream_seed(unsigned long seed, const char *id,
    unsigned long long tag);

#endif
