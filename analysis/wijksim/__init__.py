"""Analysis of wijksim output: one module per concern (reading files, statistics, reports,
charts). Modules are imported by name (`from wijksim.stats import mean_ci`); nothing is
imported here, so using one module never loads the others or their dependencies."""
