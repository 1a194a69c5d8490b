package main

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"
)

// The provider time of one approval is read from the provider's own trace log:
// terraform-plugin-framework logs these two messages around the resource's
// Create, so their distance is the time our code spent (action call, waiting,
// final read), free of Terraform's start-up, graph walk and plugin handshake.
const (
	createStartMsg = "Calling provider defined Resource Create"
	createEndMsg   = "Called provider defined Resource Create"
)

// Terraform re-logs each provider line with the provider's own time in a
// timestamp= field (hclog's JSON @timestamp); the line's leading time is when
// Terraform received it, used only if the field is missing.
var (
	providerTimestamp = regexp.MustCompile(`\btimestamp="?([0-9][0-9T:.+\-Z]+)"?`)
	leadingLayout     = "2006-01-02T15:04:05.000Z0700"
)

// createDurationFromFile reads a TF_LOG_PATH file written with TF_LOG_PROVIDER=TRACE.
func createDurationFromFile(path string) (time.Duration, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return createDuration(string(data))
}

// createDuration is the time from the first Create start to the last Create
// end in a Terraform log.
func createDuration(log string) (time.Duration, error) {
	var first, last time.Time
	for _, line := range strings.Split(log, "\n") {
		isStart, isEnd := strings.Contains(line, createStartMsg), strings.Contains(line, createEndMsg)
		if !isStart && !isEnd {
			continue
		}
		ts, err := lineTime(line)
		if err != nil {
			return 0, err
		}
		if isStart && first.IsZero() {
			first = ts
		}
		if isEnd {
			last = ts
		}
	}
	if first.IsZero() || last.IsZero() {
		return 0, fmt.Errorf("provider log has no %q / %q pair", createStartMsg, createEndMsg)
	}
	return last.Sub(first), nil
}

func lineTime(line string) (time.Time, error) {
	if m := providerTimestamp.FindStringSubmatch(line); m != nil {
		if ts, err := time.Parse(time.RFC3339Nano, m[1]); err == nil {
			return ts, nil
		}
	}
	lead, _, _ := strings.Cut(line, " ")
	ts, err := time.Parse(leadingLayout, lead)
	if err != nil {
		return time.Time{}, fmt.Errorf("no timestamp in provider log line %q", line)
	}
	return ts, nil
}
