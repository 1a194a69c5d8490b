package aksk_test

import (
	"os"
	"testing"

	"github.com/vpcep/terraform-provider-vpcep/internal/testguard"
)

// TestMain fails the run if any test leaves loopback (package testguard).
func TestMain(m *testing.M) { os.Exit(testguard.Main(m)) }
