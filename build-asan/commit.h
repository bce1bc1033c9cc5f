#define WIJKSIM_COMMIT "570a849-dirty"
