/* Life domains, severities, support statuses and professional profiles: the enums every model
 * file shares, with their name tables. Enums end in a count sentinel so loops, column names
 * and vector parameters stay in step. */
#ifndef WIJKSIM_DOMAIN_H
#define WIJKSIM_DOMAIN_H

typedef enum {
    DOM_FINANCES,   /* finances and debt */
    DOM_MENTAL,     /* mental health and addiction */
    DOM_DAILY,      /* daily living and self-care: ageing, disability, dementia */
    DOM_PARENTING,  /* parenting and growing up (youth) */
    DOM_LONELINESS, /* loneliness and participation */
    DOM_HOUSING,    /* housing and safety: eviction risk, domestic violence */
    N_DOMAINS
} domain_t;

/* Severity 0..4; SEV_CRISIS triggers crisis intervention. */
typedef enum { SEV_NONE, SEV_LIGHT, SEV_MODERATE, SEV_SEVERE, SEV_CRISIS, N_SEVERITIES } severity_t;

typedef enum { AGE_0_17, AGE_18_64, AGE_65_79, AGE_80PLUS, N_AGE_BANDS } age_band_t;

/* Support status of one need (one domain of one resident). Informal care is not a status: it
 * flows to every need alongside whatever status it has (informal.c). */
typedef enum {
    SUP_NONE,       /* nobody professional is involved */
    SUP_WAITING,    /* asked the team, waiting for intake */
    SUP_VOL_WAIT,   /* referred to a volunteer, waiting for a match */
    SUP_VOLUNTEER,  /* a matched volunteer helps */
    SUP_TEAM,       /* a team case */
    SUP_DECISION,   /* referral waiting for a municipal decision (no mandate); the team holds it */
    SUP_SPEC_WAIT,  /* on a specialist waiting list; the team holds it if it referred */
    SUP_SPECIALIST, /* in a specialist service */
    SUP_AFTERCARE,  /* resolved, light aftercare contact with the team */
    N_SUPPORTS
} support_t;

/* Profiles of team professionals (seed 002 L602-612). */
typedef enum { PROF_GENERALIST, PROF_SPECIALIST, PROF_TSHAPED, N_PROFILES } profile_t;

extern const char *const domain_names[N_DOMAINS];
extern const char *const severity_names[N_SEVERITIES];
extern const char *const age_band_names[N_AGE_BANDS];
extern const char *const support_names[N_SUPPORTS];
extern const char *const profile_names[N_PROFILES];

#endif
