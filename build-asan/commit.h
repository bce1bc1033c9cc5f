#define WIJKSIM_COMMIT "13c6d56-dirty"
