//go:build race

package modified

// raceEnabled: the race detector makes sync.Pool drop items at random, so
// allocation counts of code that takes workspaces from a pool (the MLP's
// products) are meaningless under -race.
const raceEnabled = true
