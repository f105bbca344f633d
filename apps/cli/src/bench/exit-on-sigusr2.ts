/**
 * Preloaded (`node --require`) into a gateway the benchmark profiles with `--cpu-prof`: V8 writes the profile only
 * when the process leaves through process.exit or runs out of work, not when a signal ends it, and Nest's SIGTERM
 * handling ends by re-raising the signal. SIGUSR2 is not one Nest listens to.
 */
process.once('SIGUSR2', () => process.exit(0));
