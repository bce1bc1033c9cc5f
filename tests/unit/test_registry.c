/* The parameter and series registries: well-formed entries, lookups, validation messages
 * and a resolved configuration that loads back to the same values. */
#include <string.h>
#include <unistd.h>

#include "sim/config.h"
#include "core/params.h"
#include "core/series.h"
#include "sim/output.h"
#include "check.h"

static void test_params_are_well_formed(void) {
    int bad = 0;
    for (int i = 0; i < N_PARAMS; i++) {
        const param_info_t *pi = &param_table[i];
        for (int k = 0; k < pi->n; k++) {
            char msg[256];
            if (params_check_value(i, pi->defaults[k], msg, sizeof msg) != 0) {
                printf("  default of %s: %s\n", pi->name, msg);
                bad++;
            }
        }
        if (!strchr(pi->name, '.') || !*pi->unit || strlen(pi->description) < 10 ||
            strlen(pi->source) < 5 || pi->min > pi->max) {
            printf("  malformed entry %s\n", pi->name);
            bad++;
        }
        for (int j = 0; j < i; j++)
            if (strcmp(param_table[j].name, pi->name) == 0) {
                printf("  duplicate %s\n", pi->name);
                bad++;
            }
        if (params_find(pi->name) != i) bad++;
    }
    CHECK(bad == 0, "params_defaults_in_range_and_documented", "%d problems", bad);
}

/* Every real-valued assumption has a plausible range around its default (and a rationale). */
static void test_assumptions_have_a_range(void) {
    int bad = 0, assumptions = 0;
    for (int i = 0; i < N_PARAMS; i++) {
        const param_info_t *pi = &param_table[i];
        if (pi->type != P_REAL || !strstr(pi->source, "ssumption") || pi->range_lo == 1) continue;
        assumptions++;
        double lo, hi;
        for (int k = 0; k < pi->n; k++) {
            params_range(i, k, &lo, &hi);
            if (!(pi->range_lo < 1 && pi->range_hi > 1 && lo <= pi->defaults[k] &&
                  pi->defaults[k] <= hi && lo >= pi->min && hi <= pi->max)) {
                printf("  %s[%d]: range %g-%g around %g\n", pi->name, k, lo, hi, pi->defaults[k]);
                bad++;
            }
        }
    }
    int fixed = 0; /* real-valued assumptions marked as choices must be few and deliberate */
    for (int i = 0; i < N_PARAMS; i++)
        fixed += param_table[i].type == P_REAL && strstr(param_table[i].source, "ssumption") &&
                 param_table[i].range_lo == 1 && param_table[i].range_hi == 1;
    CHECK(bad == 0 && assumptions > 50 && fixed <= 3, "assumptions_have_a_plausible_range",
          "%d bad of %d assumptions, %d fixed", bad, assumptions, fixed);
}

static void test_params_lookup(void) {
    CHECK(params_find("access.team_threshold") >= 0, "params_find_known", "not found");
    CHECK(params_find("access.team_treshold") < 0, "params_find_unknown", "found a typo");
    CHECK(strcmp(params_closest("access.team_treshold"), "access.team_threshold") == 0,
          "params_closest_suggests_the_typo_fix", "suggested %s",
          params_closest("access.team_treshold"));
    CHECK(strcmp(params_closest("team.ftee"), "team.fte") == 0, "params_closest_short_name",
          "suggested %s", params_closest("team.ftee"));
}

static void test_params_check_value(void) {
    char msg[256];
    int id = params_find("access.barrier");
    CHECK(params_check_value(id, 1.5, msg, sizeof msg) != 0 && strstr(msg, "1.5") &&
              strstr(msg, "0 to 1"),
          "check_value_out_of_range_names_value_and_range", "msg '%s'", msg);
    id = params_find("access.team_threshold");
    CHECK(params_check_value(id, 2.5, msg, sizeof msg) != 0 && strstr(msg, "integer"),
          "check_value_integer_parameter_rejects_fraction", "msg '%s'", msg);
    CHECK(params_check_value(id, 3, msg, sizeof msg) == 0, "check_value_accepts_valid", "msg '%s'",
          msg);
}

static void test_series_are_well_formed(void) {
    int bad = 0, expect = 0;
    for (int i = 0; i < N_SERIES; i++) {
        const series_info_t *s = &series_table[i];
        if (s->offset != expect) bad++;
        expect = s->offset + s->width;
        if (!*s->unit || strlen(s->description) < 10) bad++;
        if ((s->kind == K_RATIO) != (s->num >= 0 && s->den >= 0)) bad++;
        if (s->kind == K_RATIO &&
            (series_table[s->num].kind == K_RATIO || series_table[s->den].kind == K_RATIO))
            bad++;
        for (int j = 0; j < i; j++)
            bad += strcmp(series_table[j].name, s->name) == 0;
    }
    CHECK(bad == 0 && expect == N_VALUES, "series_registry_consistent",
          "%d problems, %d of %d values", bad, expect, N_VALUES);
}

static void test_resolved_config_round_trips(void) {
    scenario_t a, b;
    char err[ERR_LEN], path[] = "/tmp/wijksim_roundtrip_XXXXXX";
    scenario_init(&a);
    scenario_init(&b);
    int rc = scenario_set(&a, "team.fte=6.25", err, sizeof err);
    rc |= scenario_set(&a, "needs.onset_18_64=[1,2,3,0,5,6.5]", err, sizeof err);
    rc |= scenario_set(&a, "access.team_threshold=3", err, sizeof err);
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    params_write_cfg(f, &a.params);
    fclose(f);
    rc |= scenario_load(&b, path, err, sizeof err);
    unlink(path);
    CHECK(rc == 0 && memcmp(&a.params, &b.params, sizeof a.params) == 0,
          "resolved_config_loads_back_identically", "rc %d err '%s'", rc, rc ? err : "");
    scenario_free(&a);
    scenario_free(&b);
}

static void test_set_vector_and_errors(void) {
    scenario_t s;
    char err[ERR_LEN];
    scenario_init(&s);
    int rc = scenario_set(&s, "needs.escalation_rate=0.1,0.2,0.3", err, sizeof err);
    CHECK(rc == 0 && s.params.needs_escalation_rate[2] == 0.3, "set_vector_comma_separated", "%s",
          err);
    rc = scenario_set(&s, "needs.escalation_rate=0.1,0.2", err, sizeof err);
    CHECK(rc != 0 && strstr(err, "expected 3 values"), "set_vector_wrong_length", "'%s'", err);
    rc = scenario_set(&s, "team.fte=lots", err, sizeof err);
    CHECK(rc != 0 && strstr(err, "team.fte") && strstr(err, "expected a number"), "set_wrong_type",
          "'%s'", err);
    rc = scenario_set(&s, "team.fte", err, sizeof err);
    CHECK(rc != 0 && strstr(err, "name=value"), "set_without_equals", "'%s'", err);
    scenario_free(&s);
}

/* A sweep's run table names a factor's column by the parameter's name as an identifier
 * (team.fte -> team_fte, specialist.places[3] -> specialist_places_3): no two parameters or
 * elements may give the same one, nor one of the run table's own columns. */
static void test_column_names_unique(void) {
    static char names[N_PARAMS * 8][128];
    int n = 0, clashes = 0;
    const char *own[] = {"run", "point", "replicate", "seed"};
    for (int i = 0; i < N_PARAMS; i++)
        for (int k = 0; k <= param_table[i].n && k <= 7; k++) {
            if (k > 0 && param_table[i].n == 1) break;
            char label[128];
            if (k == 0)
                snprintf(label, sizeof label, "%s", param_table[i].name);
            else
                snprintf(label, sizeof label, "%s[%d]", param_table[i].name, k);
            output_column_name(names[n], sizeof names[n], label);
            for (int j = 0; j < n; j++)
                clashes += strcmp(names[j], names[n]) == 0;
            for (int j = 0; j < 4; j++)
                clashes += strcmp(own[j], names[n]) == 0;
            n++;
        }
    char id[128];
    output_column_name(id, sizeof id, "specialist.places[3]");
    CHECK(strcmp(id, "specialist_places_3") == 0, "sweep_column_name_is_an_identifier", "got '%s'",
          id);
    CHECK(clashes == 0 && n > N_PARAMS, "sweep_column_names_of_parameters_are_unique",
          "%d clashes among %d names", clashes, n);
}

int main(void) {
    test_column_names_unique();
    test_params_are_well_formed();
    test_assumptions_have_a_range();
    test_params_lookup();
    test_params_check_value();
    test_series_are_well_formed();
    test_resolved_config_round_trips();
    test_set_vector_and_errors();
    return check_exit();
}
