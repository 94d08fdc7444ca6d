//go:build !race

package modified

const raceEnabled = false
