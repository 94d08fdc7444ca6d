//go:build !unix

package bseries

import "time"

func cpuTime() (time.Duration, bool) { return 0, false }
