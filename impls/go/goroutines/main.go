// The `million` shape in Go's own idiom, the reference row go-goroutines: one goroutine per task and a buffered
// channel of capacity C as the semaphore, the loop blocking on the channel before each go statement. Standard library
// only. It counts completions per id (exactly once, as the harness does for every row) and prints one JSON object:
// wall time, Go heap in use (sampled), RSS (sampled and the kernel's peak), GC and CPU, in the harness's field names.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type tally struct {
	Tasks       int     `json:"tasks"`
	Completed   int     `json:"completed"`
	Failed      int     `json:"failed"`
	Duplicated  int     `json:"duplicated"`
	Mismatched  int     `json:"mismatched"`
	Lost        int     `json:"lost"`
	PeakRunning int64   `json:"peakRunning"`
	WallMs      float64 `json:"wallMs"`
}

type point struct {
	T        int64  `json:"t"`
	HeapUsed uint64 `json:"heapUsed"`
	Rss      uint64 `json:"rss"`
}

type report struct {
	GoVersion         string  `json:"goVersion"`
	GoMaxProcs        int     `json:"gomaxprocs"`
	WallMs            float64 `json:"wallMs"`
	SetupMs           float64 `json:"setupMs"`
	WarmupMs          float64 `json:"warmupMs"`
	HeapBaselineBytes uint64  `json:"heapBaselineBytes"`
	HeapPeakBytes     uint64  `json:"heapPeakBytes"`
	RssPeakBytes      uint64  `json:"rssPeakBytes"`
	MaxRssBytes       int64   `json:"maxRssBytes"`
	GcCount           uint32  `json:"gcCount"`
	GcPauseMs         float64 `json:"gcPauseMs"`
	CpuUserMs         float64 `json:"cpuUserMs"`
	CpuSystemMs       float64 `json:"cpuSystemMs"`
	Tally             tally   `json:"tally"`
	WarmupTally       *tally  `json:"warmupTally,omitempty"`
	Timeline          []point `json:"timeline"`
}

var pageSize = uint64(os.Getpagesize())

// rss reads the resident set from /proc/self/statm (its second field, in pages); 0 where there is no /proc.
func rss() uint64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(data))
	if len(fields) < 2 {
		return 0
	}
	pages, err := strconv.ParseUint(fields[1], 10, 64)
	if err != nil {
		return 0
	}
	return pages * pageSize
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

func timevalMs(tv syscall.Timeval) float64 { return float64(tv.Sec)*1000 + float64(tv.Usec)/1000 }

// run starts one goroutine per task, at most `concurrency` at once, and counts each id's completions.
func run(tasks, concurrency int, work func()) tally {
	counts := make([]int32, tasks)
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	var running, peak int64
	started := time.Now()
	for id := 0; id < tasks; id++ {
		sem <- struct{}{}
		wg.Add(1)
		go func(id int) {
			defer func() {
				atomic.AddInt64(&running, -1)
				<-sem
				wg.Done()
			}()
			now := atomic.AddInt64(&running, 1)
			for {
				seen := atomic.LoadInt64(&peak)
				if now <= seen || atomic.CompareAndSwapInt64(&peak, seen, now) {
					break
				}
			}
			work()
			atomic.AddInt32(&counts[id], 1)
		}(id)
	}
	wg.Wait()
	wall := time.Since(started)
	t := tally{Tasks: tasks, PeakRunning: atomic.LoadInt64(&peak), WallMs: ms(wall)}
	for _, n := range counts {
		switch {
		case n == 0:
			t.Lost++
		default:
			t.Completed++
			t.Duplicated += int(n - 1)
		}
	}
	return t
}

func main() {
	tasks := flag.Int("tasks", 1000, "tasks in the timed run")
	concurrency := flag.Int("concurrency", 10, "tasks in flight at once (the channel's capacity)")
	workload := flag.String("workload", "sleep", "sleep or noop")
	sleepMs := flag.Float64("ms", 10, "sleep per task, in ms (sleep workload)")
	warmupTasks := flag.Int("warmup-tasks", 0, "tasks per untimed warm-up pass")
	warmupPasses := flag.Int("warmup-passes", 0, "untimed warm-up passes")
	threads := flag.Int("threads", runtime.NumCPU(), "GOMAXPROCS")
	sampleMs := flag.Int("sample-ms", 20, "how often heap and RSS are sampled during the timed run")
	exitWithStdin := flag.Bool("exit-with-stdin", false, "exit when stdin closes (the parent process is gone)")
	flag.Parse()
	mainStart := time.Now()
	if *exitWithStdin {
		// The harness's child holds our stdin open: if it is killed (time limit, Ctrl-C), we go too.
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			os.Exit(3)
		}()
	}
	if *tasks < 1 || *concurrency < 1 || *threads < 1 || *sampleMs < 1 {
		fmt.Fprintln(os.Stderr, "tasks, concurrency, threads and sample-ms must be at least 1")
		os.Exit(2)
	}
	var work func()
	switch *workload {
	case "sleep":
		pause := time.Duration(*sleepMs * float64(time.Millisecond))
		work = func() { time.Sleep(pause) }
	case "noop":
		work = func() {}
	default:
		fmt.Fprintf(os.Stderr, "workload %q is not supported; allowed: sleep, noop\n", *workload)
		os.Exit(2)
	}
	runtime.GOMAXPROCS(*threads)
	out := report{GoVersion: runtime.Version(), GoMaxProcs: runtime.GOMAXPROCS(0)}

	out.SetupMs = ms(time.Since(mainStart))
	warmupStart := time.Now()
	for pass := 0; pass < *warmupPasses && *warmupTasks > 0; pass++ {
		t := run(*warmupTasks, *concurrency, work)
		out.WarmupTally = &t
	}
	out.WarmupMs = ms(time.Since(warmupStart))

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	out.HeapBaselineBytes = before.HeapInuse
	out.HeapPeakBytes = before.HeapInuse
	out.RssPeakBytes = rss()

	// Heap in use and RSS are sampled on a ticker, as the Node child samples heapUsed and RSS.
	stop := make(chan struct{})
	sampled := make(chan struct{})
	t0 := time.Now()
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		r := rss()
		if m.HeapInuse > out.HeapPeakBytes {
			out.HeapPeakBytes = m.HeapInuse
		}
		if r > out.RssPeakBytes {
			out.RssPeakBytes = r
		}
		out.Timeline = append(out.Timeline, point{T: time.Since(t0).Milliseconds(), HeapUsed: m.HeapInuse, Rss: r})
	}
	go func() {
		defer close(sampled)
		ticker := time.NewTicker(time.Duration(*sampleMs) * time.Millisecond)
		defer ticker.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ticker.C:
				sample()
			}
		}
	}()

	var usageBefore, usageAfter syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &usageBefore)
	out.Tally = run(*tasks, *concurrency, work)
	syscall.Getrusage(syscall.RUSAGE_SELF, &usageAfter)
	close(stop)
	<-sampled
	sample()

	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	out.WallMs = out.Tally.WallMs
	out.GcCount = after.NumGC - before.NumGC
	out.GcPauseMs = float64(after.PauseTotalNs-before.PauseTotalNs) / 1e6
	out.CpuUserMs = timevalMs(usageAfter.Utime) - timevalMs(usageBefore.Utime)
	out.CpuSystemMs = timevalMs(usageAfter.Stime) - timevalMs(usageBefore.Stime)
	// Linux reports ru_maxrss in KiB.
	out.MaxRssBytes = usageAfter.Maxrss * 1024
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
