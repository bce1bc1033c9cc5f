/* Life domains and severities: the enums every model file shares, with their name tables.
 * Enums end in a count sentinel so loops, column names and vector parameters stay in step. */
#ifndef WIJKSIM_DOMAIN_H
#define WIJKSIM_DOMAIN_H

typedef enum {
    DOM_FINANCES,     /* finances and debt */
    DOM_MENTAL,       /* mental health and addiction */
    DOM_DAILY,        /* daily living and self-care: ageing, disability, dementia */
    DOM_PARENTING,    /* parenting and growing up (youth) */
    DOM_LONELINESS,   /* loneliness and participation */
    DOM_HOUSING,      /* housing and safety: eviction risk, domestic violence */
    N_DOMAINS
} domain_t;

/* Severity 0..4; SEV_CRISIS triggers crisis intervention. */
typedef enum { SEV_NONE, SEV_LIGHT, SEV_MODERATE, SEV_SEVERE, SEV_CRISIS, N_SEVERITIES } severity_t;

typedef enum { AGE_0_17, AGE_18_64, AGE_65_79, AGE_80PLUS, N_AGE_BANDS } age_band_t;

/* Support status of one need (one domain of one resident). */
typedef enum {
    SUP_NONE,       /* nobody professional is involved */
    SUP_WAITING,    /* asked the team, waiting for intake */
    SUP_TEAM,       /* a team case */
    N_SUPPORTS
} support_t;

extern const char *const domain_names[N_DOMAINS];
extern const char *const severity_names[N_SEVERITIES];
extern const char *const age_band_names[N_AGE_BANDS];
extern const char *const support_names[N_SUPPORTS];

#endif
