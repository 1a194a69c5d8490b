package main

import (
	"runtime/debug"
	"testing"
)

// TestUnitQuietUnlessLogging catches provider logs turned off although the
// user asked Terraform for them (a TF_LOG=trace run without our lines), or
// left on when nobody asked.
func TestUnitQuietUnlessLogging(t *testing.T) {
	t.Parallel()
	tests := []struct {
		environ []string
		quiet   bool
	}{
		{[]string{"HOME=/root"}, true},
		{[]string{"TF_LOG_PATH=/tmp/tf.log", "TF_CLI_CONFIG_FILE=x"}, true},
		{[]string{"TF_LOG=trace"}, false},
		{[]string{"TF_LOG_PROVIDER=debug"}, false},
		{[]string{"TF_LOG_PROVIDER_VPCEP=trace"}, false},
		{[]string{"TF_LOG_SDK_FRAMEWORK=trace"}, false},
	}
	for _, tt := range tests {
		set := map[string]string{}
		quietUnlessLogging(tt.environ, func(k, v string) error { set[k] = v; return nil })
		if got := set["TF_LOG_SDK_FRAMEWORK"] == "off" && set["TF_LOG_PROVIDER_VPCEP"] == "off"; got != tt.quiet {
			t.Errorf("environment %v: quiet = %v, want %v (set %v)", tt.environ, got, tt.quiet, set)
		}
	}
}

// TestUnitTuneGC catches the provider's own GC target overriding a GOGC the
// user set, or not applied when none is set.
func TestUnitTuneGC(t *testing.T) {
	previous := debug.SetGCPercent(100)
	defer debug.SetGCPercent(previous)
	tuneGC(func(k string) string { return map[string]string{"GOGC": "50"}[k] })
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC=50 set, tuneGC changed the target to %d", got)
	}
	tuneGC(func(string) string { return "" })
	if got := debug.SetGCPercent(100); got != defaultGCPercent {
		t.Errorf("without GOGC, the target is %d, want %d", got, defaultGCPercent)
	}
}
