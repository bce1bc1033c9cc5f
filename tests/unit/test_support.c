/* Support acting on a need (needs.c, support_effect): a need under a team case, a volunteer,
 * a specialist service or informal help escalates at the spontaneous rate x (1 - protection)
 * and improves at the spontaneous rate + effect, times the domain's improvement multiplier.
 * Team support counts at last week's quality (coverage x effectiveness), informal help at the
 * share of informal hours met x the domain's informal weight. One week of a moderate need,
 * competing hazards; every expectation from the parameters, within K standard errors, and
 * each protection must be distinguishable from none (or the check is blind). */
#include "check.h"
#include "world_fixture.h"

#define K 4.5

enum { C_NONE, C_TEAM, C_VOLUNTEER, C_SPECIALIST, C_INFORMAL, N_CASES };
static const char *const case_names[N_CASES] = {"no_support", "team", "volunteer", "specialist",
                                                "informal"};

static void test_support_damps_escalation(void) {
    const int d = DOM_MENTAL, s = SEV_MODERATE;
    const double quality = 153 / 255.0, cover = 0.7f;
    for (int c = 0; c < N_CASES; c++) {
        params_t p;
        fixture_params(&p, quick() ? 15000 : 30000);
        for (int k = 0; k < N_DOMAINS; k++)
            p.needs_onset_0_17[k] = p.needs_onset_18_64[k] = p.needs_onset_65_79[k] =
                p.needs_onset_80plus[k] = 0;
        p.needs_self_reliance_effect[0] = 0;
        p.needs_escalation_rate[s - 1] = 12, p.needs_improvement_rate[s - 1] = 3;
        p.needs_domain_improvement[d] = 0.8;
        p.team_case_protection[0] = 0.8, p.team_case_effect[0] = 6;
        p.vol_protection[0] = 0.5, p.vol_effect[0] = 5;
        p.spec_protection[d] = 0.9, p.spec_effect[d] = 8;
        p.informal_protection[0] = 0.6, p.informal_effect[0] = 4;
        world_t *w = fixture_world(&p, 400 + (uint64_t)c);
        nbh_t *n = &w->nbh[0];
        fixture_all_with_need(n, d, s);
        static const int status[N_CASES] = {SUP_NONE, SUP_TEAM, SUP_VOLUNTEER, SUP_SPECIALIST,
                                            SUP_NONE};
        for (uint32_t i = 0; i < n->nres; i++) {
            sup_change(n, i, d, status[c], 0);
            active_t *a = active_of(n, i);
            if (c == C_TEAM) a->quality[d] = 153;
            if (c == C_INFORMAL) a->informal_cover = (float)cover;
        }
        needs_week(w, n, 1);
        /* the law of support_effect */
        double prot = 0, extra = 0, ci = cover * p.informal_domain_weight[d];
        switch (c) {
        case C_TEAM:
            prot = 0.8 * quality, extra = 6 * quality;
            break;
        case C_VOLUNTEER:
            prot = 0.5, extra = 5;
            break;
        case C_SPECIALIST:
            prot = 0.9, extra = 8;
            break;
        case C_INFORMAL:
            prot = 0.6 * ci, extra = 4 * ci;
            break;
        }
        double esc0 = 12 / 52.0, esc = esc0 * (1 - prot), imp = (3 + extra) / 52.0 * 0.8;
        double any = -expm1(-(esc + imp)), pe = any * esc / (esc + imp),
               pi = any * imp / (esc + imp);
        double N = n->nres, got_e = n->m[OFF_escalations + d], got_i = n->m[OFF_improvements + d];
        char name[80];
        snprintf(name, sizeof name, "support_damps_escalation_%s", case_names[c]);
        check_binomial(name, got_e, N, pe, K, 5000);
        snprintf(name, sizeof name, "support_speeds_improvement_%s", case_names[c]);
        check_binomial(name, got_i, N, pi, K, 5000);
        if (c != C_NONE) {
            /* without the protection (same improvement) the escalations would be many more */
            double any0 = -expm1(-(esc0 + imp)), pe0 = any0 * esc0 / (esc0 + imp);
            double z = (got_e - N * pe0) / sqrt(N * pe0 * (1 - pe0));
            snprintf(name, sizeof name, "support_protection_is_detectable_%s", case_names[c]);
            CHECK(z < -K, name, "z against no protection %.2f", z);
        }
        world_free(w);
    }
}

int main(void) {
    test_support_damps_escalation();
    return check_exit();
}
