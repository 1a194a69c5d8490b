package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// listeningPrefix starts the first stdout line, which scripts read the URL from.
const listeningPrefix = "listening on "

// detach starts the mock again as a background process with the same flags,
// relays what it says until it listens, then prints its URL alone and
// returns, leaving it running. A mock that cannot start (a bad flag, a bad
// fixtures file, a port in use) exits, and its error is returned, so that
// `url=$(vpcep-mock -detach ...)` fails at once instead of leaving a script
// waiting for a URL that never comes.
func detach(args []string, stdout, stderr io.Writer) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("-detach: finding this program: %w", err)
	}
	// One pipe for both streams keeps the child's lines in the order written.
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("-detach: %w", err)
	}
	defer r.Close()
	// The last -detach wins, so the child serves in the foreground.
	cmd := exec.Command(self, append(append([]string(nil), args...), "-detach=false")...) //nolint:gosec // this very program, with the user's own flags
	cmd.Stdout, cmd.Stderr = w, w
	err = cmd.Start()
	_ = w.Close() // the child holds the only write end now
	if err != nil {
		return fmt.Errorf("-detach: starting %s: %w", self, err)
	}
	lines := bufio.NewScanner(r)
	for lines.Scan() {
		line := lines.Text()
		if url, ok := strings.CutPrefix(line, listeningPrefix); ok {
			fmt.Fprintln(stdout, url)
			fmt.Fprintf(stderr, "vpcep-mock: running in the background as process %d; stop it with SIGTERM (kill %d)\n",
				cmd.Process.Pid, cmd.Process.Pid)
			return cmd.Process.Release()
		}
		fmt.Fprintln(stderr, line)
	}
	// The child closed its output without listening: it has exited or is exiting.
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("the mock did not start (%w)", err)
	}
	return errors.New("the mock exited without listening")
}
