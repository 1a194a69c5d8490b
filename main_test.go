package main

import "testing"

// TestUnitQuietUnlessLogging: logs stay on whenever the user asked Terraform
// for them (a quiet provider would leave a TF_LOG=trace run without its
// lines), and go off otherwise.
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
