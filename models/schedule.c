/* The order of a week (MODEL_BRIEF s4). Later mechanisms (informal care, volunteers,
 * specialist care, crises, workforce) slot in between without changing the engine. */
#include "models.h"

const phase_t model_phases[] = {
    {"needs", needs_week, NULL},               /* 2. onset, escalation, improvement */
    {"help_seeking", help_seeking_week, NULL}, /* 4. self-referral through the access barrier */
    {"access", access_week, NULL},             /* 5. intake and triage */
    {"casework", casework_week, NULL},         /* 6. team casework */
    {"accounting", accounting_week, NULL},     /* 11. stocks, costs, settling the active pool */
};
const int n_model_phases = (int)(sizeof model_phases / sizeof model_phases[0]);
