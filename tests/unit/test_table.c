/*
 * test_table - tables for display (data/table.h): significant digits
 * rounded by hand (0.004695545393971477 at 3 digits is 0.00470, trailing
 * zeros kept, a lone decimal point dropped), the exact stream (shortest
 * round trip), pretty columns right-aligned to the header's width or
 * TABLE_PRETTY_MIN with units in the header, and table_line's rules
 * (comments and blank lines pass, whole numbers and text kept).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/table.h"
#include "tap.h"

static void
digits(double x, int n, const char *want)
{
	char buf[TWIN_NUMBUF], what[128];

	table_digits(x, n, buf);
	snprintf(what, sizeof(what), "table_digits(%.17g, %d) = %s", x, n,
	    want);
	tap_ok(strcmp(buf, want) == 0, what);
	if (strcmp(buf, want) != 0)
		printf("# got %s\n", buf);
}

static void
test_digits(void)
{
	digits(0.004695545393971477, 3, "0.00470");
	digits(15.654286232727637, 3, "15.7");
	digits(9.935518271548064, 3, "9.94");
	digits(2, 3, "2.00");
	digits(100, 3, "100");
	digits(123456, 3, "1.23e+05");
	digits(1e-10, 1, "1e-10");
	digits(-0.5, 2, "-0.50");
	digits(0.99951, 3, "1.00");
	digits(0.1, 17, "0.10000000000000001");
	digits(0, 3, "0.00");
}

static int
same(const struct outbuf *b, const char *want, const char *what)
{
	int r = b->p != NULL && strcmp(b->p, want) == 0;

	tap_ok(r, what);
	if (!r)
		printf("# got:\n%s# want:\n%s", b->p ? b->p : "(null)\n", want);
	return r;
}

static const char *
unit(const void *ctx, const char *col)
{
	(void)ctx;
	return strcmp(col, "CP") == 0 ? "mg/L" : strcmp(col, "TIME") == 0 ?
	    "h" : NULL;
}

static void
feed(struct table *t, const char *text)
{
	const char *p = text, *nl;

	while ((nl = strchr(p, '\n')) != NULL) {
		table_line(t, p, (size_t)(nl - p));
		p = nl + 1;
	}
}

static void
test_cells(void)
{
	struct outbuf b = { 0 };
	struct table t;
	struct table_fmt f = { 1, 0, unit, NULL };

	/* the exact stream */
	table_init(&t, &b, NULL);
	table_head(&t, "ID");
	table_head(&t, "CP");
	table_end_row(&t);
	table_text(&t, "1");
	table_num(&t, 0.1 + 0.2);
	table_end_row(&t);
	table_int(&t, 2);
	table_num(&t, NAN);
	table_end_row(&t);
	same(&b, "ID\tCP\n1\t0.30000000000000004\n2\t.\n",
	    "exact: tabs, the shortest round trip, . for missing");
	table_free(&t);
	ob_free(&b);

	/* pretty: right-aligned in 12 columns, %.6g, a wider header */
	memset(&b, 0, sizeof(b));
	f.unit = NULL;
	table_init(&t, &b, &f);
	table_head(&t, "ID");
	table_head(&t, "CONCENTRATION");
	table_end_row(&t);
	table_text(&t, "1");
	table_num(&t, 15.654286232727637);
	table_end_row(&t);
	same(&b, "          ID CONCENTRATION\n"
	    "           1       15.6543\n",
	    "pretty: right-aligned to max(header, 12), 6 digits");
	table_free(&t);
	ob_free(&b);
}

/* --digits through table_num: whole numbers as they are. */
static void
test_whole(void)
{
	struct outbuf b = { 0 };
	struct table t;
	struct table_fmt f = { 0, 2, NULL, NULL };

	table_init(&t, &b, &f);
	table_num(&t, 750);
	table_num(&t, 123456);
	table_num(&t, 0);
	table_num(&t, -3);
	table_num(&t, 12.6);
	table_num(&t, 1e20);
	table_end_row(&t);
	same(&b, "750\t123456\t0\t-3\t13\t1.0e+20\n",
	    "table_num --digits 2: whole numbers below 1e15 as they are");
	table_free(&t);
	ob_free(&b);
}

static void
test_line(void)
{
	struct outbuf b = { 0 };
	struct table t;
	struct table_fmt f = { 0, 3, NULL, NULL };

	table_init(&t, &b, &f);
	feed(&t, "# a comment\tline\nID\tTIME\tCP\n1\t0.5\t0.004695545393971477\n"
	    "12345\t24\tcentral\n\nPARAMETER\tESTIMATE\nCL\t4.4999\n");
	same(&b, "# a comment\tline\nID\tTIME\tCP\n1\t0.500\t0.00470\n"
	    "12345\t24\tcentral\n\nPARAMETER\tESTIMATE\nCL\t4.50\n",
	    "table_line --digits 3: # and blank lines pass, whole numbers "
	    "and text kept, fractions rounded");
	table_free(&t);
	ob_free(&b);

	memset(&b, 0, sizeof(b));
	f.pretty = 1;
	f.digits = 0;
	f.unit = unit;
	table_init(&t, &b, &f);
	feed(&t, "ID\tTIME\tCP\n1\t0.5\t0.004695545393971477\n"
	    "2\t1.25\t15.654286232727637\n");
	same(&b, "          ID     TIME (h)    CP (mg/L)\n"
	    "           1          0.5   0.00469555\n"
	    "           2         1.25      15.6543\n",
	    "table_line --pretty: units in the header, columns aligned");
	table_free(&t);
	ob_free(&b);

	memset(&b, 0, sizeof(b));
	f.digits = 3;
	table_init(&t, &b, &f);
	feed(&t, "ID\tCP\n1\t0.004695545393971477\n");
	same(&b, "          ID    CP (mg/L)\n           1      0.00470\n",
	    "table_line --pretty --digits 3");
	table_free(&t);
	ob_free(&b);
}

int
main(void)
{
	test_digits();
	test_cells();
	test_whole();
	test_line();
	return tap_done();
}
