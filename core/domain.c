#include "domain.h"

const char *const domain_names[N_DOMAINS] = {"finances",  "mental_health", "daily_living",
                                             "parenting", "loneliness",    "housing"};
const char *const severity_names[N_SEVERITIES] = {"none", "light", "moderate", "severe", "crisis"};
const char *const age_band_names[N_AGE_BANDS] = {"0-17", "18-64", "65-79", "80+"};
const char *const support_names[N_SUPPORTS] = {
    "none",     "waiting",  "volunteer_waiting",  "volunteer",
    "team",     "decision", "specialist_waiting", "specialist",
    "aftercare"};
const char *const profile_names[N_PROFILES] = {"generalist", "specialist", "t_shaped"};
