package main

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// TestMusicStreamingBenchmark compares the stream endpoint with nginx serving the same file on
// this machine, in the same run: throughput (wrk) and time to first byte (hey) for whole-file
// and range requests at 1, 50 and 500 concurrent streams. It runs only with
// MUSIC_STREAM_BENCH=1 (see docs/PERFORMANCE.md); results go to stdout and, with
// MUSIC_STREAM_BENCH_OUT, to a file.
func TestMusicStreamingBenchmark(t *testing.T) {
	if os.Getenv("MUSIC_STREAM_BENCH") == "" {
		t.Skip("set MUSIC_STREAM_BENCH=1 to run the streaming benchmark")
	}
	for _, tool := range []string{"wrk", "hey", "nginx", "ffmpeg"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (make bench-deps installs it)", tool)
		}
	}
	dur := os.Getenv("MUSIC_STREAM_BENCH_DURATION")
	if dur == "" {
		dur = "5s"
	}
	ta := musicApp(t, func(c *Config) { c.Music.StreamURLTTL = 2 * time.Hour })
	_, tok := musicUser(t, ta, usercontracts.RoleArtist)

	// a three-minute 128 kbps MP3, the size of an ordinary song
	dir := t.TempDir()
	src := filepath.Join(dir, "song.mp3")
	out, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=330:duration=180",
		"-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k", src).CombinedOutput()
	require.NoError(t, err, string(out))
	data, err := os.ReadFile(src)
	require.NoError(t, err)
	s := createSong(t, ta, tok, "Benchmark")
	res := uploadRaw(t, ta, tok, s.ID, data, "audio/mpeg")
	require.Equal(t, http.StatusAccepted, res.Status, string(res.Body))
	waitStatus(t, ta, tok, s.ID, "ready")
	require.Equal(t, http.StatusOK, ta.do(http.MethodPatch, "/api/v1/music/songs/"+s.ID, map[string]any{"published": true}, withToken(tok)).Status)
	res = ta.do(http.MethodPost, "/api/v1/music/songs/"+s.ID+"/stream-url", map[string]any{"quality": "original"}, withToken(tok))
	require.Equal(t, http.StatusCreated, res.Status)
	var link struct {
		URL string `json:"url"`
	}
	res.JSON(t, &link)
	u, err := url.Parse(link.URL)
	require.NoError(t, err)
	goURL := ta.srv.URL + u.Path + "?" + u.RawQuery

	// nginx on the same file
	root := filepath.Join(dir, "www")
	require.NoError(t, os.MkdirAll(root, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "song.mp3"), data, 0o644))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;"
	}
	conf := fmt.Sprintf(`%s
worker_processes 2;
daemon off;
pid %s/nginx.pid;
error_log %s/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 1000000;
  types { audio/mpeg mp3; }
  client_body_temp_path %s;
  proxy_temp_path %s;
  fastcgi_temp_path %s;
  uwsgi_temp_path %s;
  scgi_temp_path %s;
  server { listen 127.0.0.1:%d; root %s; location / { etag on; } }
}`, user, dir, dir, dir, dir, dir, dir, dir, port, root)
	confPath := filepath.Join(dir, "nginx.conf")
	require.NoError(t, os.WriteFile(confPath, []byte(conf), 0o644))
	nginx := exec.Command("nginx", "-c", confPath, "-p", dir)
	require.NoError(t, nginx.Start())
	t.Cleanup(func() {
		// SIGQUIT is nginx's graceful stop: the master takes its workers down with it (a killed
		// master would leave them running).
		_ = nginx.Process.Signal(syscall.SIGQUIT)
		done := make(chan struct{})
		go func() { _ = nginx.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = nginx.Process.Kill()
			<-done
		}
	})
	nginxURL := fmt.Sprintf("http://127.0.0.1:%d/song.mp3", port)
	eventually(t, 5*time.Second, func() bool {
		r, err := http.Get(nginxURL)
		if err != nil {
			return false
		}
		r.Body.Close()
		return r.StatusCode == 200
	}, "nginx to start")

	size := len(data)
	rangeHdr := fmt.Sprintf("Range: bytes=%d-%d", size/2, size/2+65535)
	seekHdr := fmt.Sprintf("Range: bytes=%d-", size/2)
	var report strings.Builder
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Fprintf(&report, "File: %d bytes (3 min MP3, 128 kbps). wrk -d %s; nginx 2 workers, sendfile on; load average at start: %s\n\n",
		size, dur, strings.Join(strings.Fields(string(load))[:3], " "))
	fmt.Fprintf(&report, "| request | streams | server | req/s | MB/s | latency p50 | latency p99 | TTFB avg (hey) | vs nginx |\n|---|---|---|---|---|---|---|---|---|\n")
	only := os.Getenv("MUSIC_STREAM_BENCH_ONLY") // e.g. "64 KiB range/500" or "64 KiB range/50,64 KiB range/500"
	for _, kind := range []string{"whole file", "seek (bytes=mid-)", "64 KiB range"} {
		for _, c := range []int{1, 50, 500} {
			if only != "" && !slices.Contains(strings.Split(only, ","), fmt.Sprintf("%s/%d", kind, c)) {
				continue
			}
			var nginxMBs float64
			for _, target := range []struct{ name, url string }{{"nginx", nginxURL}, {"vibestream", goURL}} {
				args := []string{"-t", strconv.Itoa(min(2, c)), "-c", strconv.Itoa(c), "-d", dur, "--latency"}
				heyArgs := []string{"-n", strconv.Itoa(max(200, c*4)), "-c", strconv.Itoa(c)}
				switch kind {
				case "64 KiB range":
					args = append(args, "-H", rangeHdr)
					heyArgs = append(heyArgs, "-H", rangeHdr)
				case "seek (bytes=mid-)":
					args = append(args, "-H", seekHdr)
					heyArgs = append(heyArgs, "-H", seekHdr)
				}
				w := runWrk(t, append(args, target.url)...)
				ttfb := runHeyTTFB(t, append(heyArgs, target.url)...)
				ratio := ""
				if target.name == "nginx" {
					nginxMBs = w.mbps
				} else if nginxMBs > 0 {
					ratio = fmt.Sprintf("%.0f%%", 100*w.mbps/nginxMBs)
				}
				fmt.Fprintf(&report, "| %s | %d | %s | %.0f | %.0f | %s | %s | %s | %s |\n", kind, c, target.name, w.rps, w.mbps, w.p50, w.p99, ttfb, ratio)
			}
		}
	}
	fmt.Println(report.String())
	if p := os.Getenv("MUSIC_STREAM_BENCH_OUT"); p != "" {
		require.NoError(t, os.WriteFile(p, []byte(report.String()), 0o644))
	}
}

type wrkResult struct {
	rps, mbps float64
	p50, p99  string
}

var (
	wrkRPS      = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	wrkTransfer = regexp.MustCompile(`Transfer/sec:\s+([\d.]+)([KMG]?B)`)
	wrkP50      = regexp.MustCompile(`\s50%\s+(\S+)`)
	wrkP99      = regexp.MustCompile(`\s99%\s+(\S+)`)
	heyWait     = regexp.MustCompile(`resp wait:\s+([\d.]+) secs`)
)

func runWrk(t *testing.T, args ...string) wrkResult {
	t.Helper()
	out, err := exec.Command("wrk", args...).CombinedOutput()
	require.NoError(t, err, string(out))
	s := string(out)
	var r wrkResult
	if m := wrkRPS.FindStringSubmatch(s); m != nil {
		r.rps, _ = strconv.ParseFloat(m[1], 64)
	}
	if m := wrkTransfer.FindStringSubmatch(s); m != nil {
		v, _ := strconv.ParseFloat(m[1], 64)
		switch m[2] {
		case "GB":
			v *= 1024
		case "KB":
			v /= 1024
		case "B":
			v /= 1024 * 1024
		}
		r.mbps = v
	}
	if m := wrkP50.FindStringSubmatch(s); m != nil {
		r.p50 = m[1]
	}
	if m := wrkP99.FindStringSubmatch(s); m != nil {
		r.p99 = m[1]
	}
	if strings.Contains(s, "Non-2xx") {
		t.Fatalf("wrk saw errors: %s", s)
	}
	return r
}

func runHeyTTFB(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("hey", args...).CombinedOutput()
	require.NoError(t, err, string(out))
	m := heyWait.FindStringSubmatch(string(out))
	if m == nil {
		return "?"
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return fmt.Sprintf("%.2f ms", v*1000)
}
