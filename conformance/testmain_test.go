package conformance

import (
	"os"
	"testing"

	"github.com/vpcep/terraform-provider-vpcep/internal/testguard"
)

// TestMain fails the run if a test resolves a name or dials through the
// provider's client outside loopback (package testguard): the SDK must talk
// to the in-process mock only, never to a cloud's IAM or metadata service.
func TestMain(m *testing.M) { os.Exit(testguard.Main(m)) }
