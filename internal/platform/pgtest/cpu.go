package pgtest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// TreeCPU is the CPU time (user + system) used so far by this process and every process it
// started, the test Postgres servers and their backends included (Linux; 0 elsewhere).
// Benchmarks report CPU per operation with it: on a machine shared with other work, that
// figure holds where throughput does not.
func TreeCPU() time.Duration {
	type proc struct {
		ppid  int
		ticks int64
	}
	procs := map[int]proc{}
	dirs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, d := range dirs {
		b, err := os.ReadFile(d)
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		// after the command: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
		if len(f) < 15 {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(d)))
		ppid, _ := strconv.Atoi(f[1])
		var t int64
		for _, k := range []int{11, 12, 13, 14} {
			v, _ := strconv.ParseInt(f[k], 10, 64)
			t += v
		}
		procs[pid] = proc{ppid: ppid, ticks: t}
	}
	self := os.Getpid()
	var total int64
	for pid, p := range procs {
		for q, hops := pid, 0; q > 1 && hops < 64; q, hops = procs[q].ppid, hops+1 {
			if q == self {
				total += p.ticks
				break
			}
			if _, ok := procs[q]; !ok {
				break
			}
		}
	}
	const clkTck = 100 // USER_HZ on Linux
	return time.Duration(total) * time.Second / clkTck
}
