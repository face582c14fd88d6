/* tissue.c - see tissue.h. */
#include <string.h>

#include "body/tissue.h"

static const char *const names[TISSUE_N] = {
	[TISSUE_ADIPOSE] = "adipose",
	[TISSUE_BONE] = "bone",
	[TISSUE_BRAIN] = "brain",
	[TISSUE_GUT] = "gut",
	[TISSUE_HEART] = "heart",
	[TISSUE_KIDNEY] = "kidney",
	[TISSUE_LIVER] = "liver",
	[TISSUE_LUNG] = "lung",
	[TISSUE_MUSCLE] = "muscle",
	[TISSUE_PANCREAS] = "pancreas",
	[TISSUE_SKIN] = "skin",
	[TISSUE_SPLEEN] = "spleen",
	[TISSUE_STOMACH] = "stomach",
	[TISSUE_REST] = "rest",
	[TISSUE_ARTERIAL] = "arterial",
	[TISSUE_VENOUS] = "venous",
};

const char *
tissue_name(enum tissue t)
{
	return (unsigned)t < TISSUE_N ? names[t] : "?";
}

int
tissue_parse(const char *s)
{
	int t;

	for (t = 0; t < TISSUE_N; t++)
		if (!strcmp(s, names[t]))
			return t;
	return -1;
}

int
tissue_portal(enum tissue t)
{
	return t == TISSUE_GUT || t == TISSUE_PANCREAS ||
	    t == TISSUE_SPLEEN || t == TISSUE_STOMACH;
}
