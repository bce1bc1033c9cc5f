/* The order of a week (MODEL_BRIEF s4; docs/ODD.md, "Process overview and scheduling").
 * Each entry names the phase and whether it runs per neighbourhood, per team or serially. */
#include "models.h"

#define NBH(name, fn)                                                                              \
    { name, fn, NULL, NULL }
#define TEAM(name, fn)                                                                             \
    { name, NULL, fn, NULL }
#define SERIAL(name, fn)                                                                           \
    { name, NULL, NULL, fn }

const phase_t model_phases[] = {
    NBH("needs", needs_week),               /* 2. onset, escalation, improvement, spill-over */
    NBH("informal", informal_week),         /* 3. carers' hours and burden */
    NBH("help_seeking", help_seeking_week), /* 4. self-referral and signals */
    TEAM("access", access_week),            /* 5. intake and triage */
    TEAM("casework", casework_week),        /* 6. paperwork, coordination, cases, aftercare */
    TEAM("outreach", prevention_team_week), /* 4. outreach with the hours casework left */
    NBH("volunteers", volunteers_week),     /* 7. recruitment, matching, dropout */
    NBH("crisis", crisis_week),             /* 9. crisis intervention, emergency referrals */
    SERIAL("specialist", specialist_week),  /* 8. discharges and admissions */
    TEAM("workforce", workforce_week),      /* 10. strain, sick leave, turnover, hiring */
    NBH("prevention", prevention_week),     /* prevention level follows spending */
    NBH("accounting", accounting_week),     /* 11. stocks, costs, settling the active pool */
};
const int n_model_phases = (int)(sizeof model_phases / sizeof model_phases[0]);
_Static_assert(sizeof model_phases / sizeof model_phases[0] <= MAX_PHASES, "see MAX_PHASES");
