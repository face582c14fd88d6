/*
 * bands.h - quantiles of a value across individuals, per group and time
 * (the table behind a visual predictive check or an AGP).
 *
 * Exact quantiles need every value, so a table keeps each one: 8 bytes
 * per value (one per individual per time point) plus about 48 bytes per
 * time point and group.  Quantiles are R's type 7 (linear interpolation
 * between order statistics, GSL's gsl_stats_quantile_from_sorted_data).
 *
 * Ownership: bands_new returns a table freed by bands_free; group names
 * are copied.
 */
#ifndef TWIN_BANDS_H
#define TWIN_BANDS_H

struct bands;

struct bands *bands_new(void);
void bands_free(struct bands *b);

/* Add value y at x for group (any string, "" for none); -1 if out of
 * memory. */
int bands_add(struct bands *b, const char *group, double x, double y);

/* Two group keys in the order tables list them: field by field (fields
 * are tab-separated), as numbers when both fields are numbers, else as
 * bytes; so a summary's rows are in the same order whatever order its
 * individuals came in (a merge of shards, twin(7)). */
int bands_keycmp(const char *a, const char *b);

/* Sort by group (bands_keycmp) and x; then cell i of bands_ncell.  -1
 * if out of memory (the table unchanged). */
int bands_sort(struct bands *b);
int bands_ncell(const struct bands *b);
const char *bands_group(const struct bands *b, int i);
double bands_x(const struct bands *b, int i);
int bands_count(const struct bands *b, int i);
/* The p-quantile (0 <= p <= 1) and mean of cell i. */
double bands_quantile(const struct bands *b, int i, double p);
double bands_mean(const struct bands *b, int i);
/*
 * The descriptive statistics of cell i (after bands_sort), as NCA
 * summaries report them: the mean, the SD (divisor n - 1) and CV%
 * (100 SD / mean), the geometric mean exp(mean of logs) and geometric CV%
 * 100 sqrt(exp(s^2) - 1), s^2 the variance of the logs (n - 1), both NAN
 * unless every value is positive, the median (type 7), min and max; an SD
 * and geometric CV of one value are NAN.
 */
struct bands_stats {
	int n;
	double mean, sd, cv, gmean, gcv, median, min, max;
};
void bands_stats(const struct bands *b, int i, struct bands_stats *s);

/* The values of cell i, sorted (after bands_sort). */
const double *bands_values(const struct bands *b, int i);
/* The lowest and highest value of all cells. */
void bands_range(const struct bands *b, double *lo, double *hi);

#endif
