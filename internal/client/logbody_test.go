package client

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// TestUnitBodyForLog catches a logged body over maxLoggedBody, a body at
// the cap marked truncated, or a cut inside a multi-byte character.
func TestUnitBodyForLog(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", maxLoggedBody+10)
	// "é" is two bytes: one starting at maxLoggedBody-1 straddles the cap.
	straddling := strings.Repeat("a", maxLoggedBody-1) + "é" + "tail"
	tests := []struct {
		name          string
		body          string
		want          string
		wantTruncated bool
	}{
		{"empty", "", "", false},
		{"small", `{"connections":[]}`, `{"connections":[]}`, false},
		{"exactly the cap", long[:maxLoggedBody], long[:maxLoggedBody], false},
		{"over the cap", long, long[:maxLoggedBody], true},
		{"cut inside a character", straddling, straddling[:maxLoggedBody-1], true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, truncated := bodyForLog([]byte(tt.body))
			if got != tt.want || truncated != tt.wantTruncated {
				t.Errorf("bodyForLog = %d bytes, truncated %v; want %d bytes, truncated %v", len(got), truncated, len(tt.want), tt.wantTruncated)
			}
			if !utf8.ValidString(got) {
				t.Errorf("bodyForLog cut a character: %q", got[max(0, len(got)-4):])
			}
		})
	}
}

// TestUnitLogsCapLargeBodies catches the trace line of a large response
// carrying the whole body instead of the first maxLoggedBody bytes and the
// full length (the provider's logger formats every line, whatever level
// Terraform shows).
func TestUnitLogsCapLargeBodies(t *testing.T) {
	t.Parallel()
	env := newMockEnv(t, vpcepmock.Config{})
	svcID, ids := env.service(t, 100)
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	c := env.client(t, nil)
	if _, err := c.ListAllConnections(ctx, svcID, ListConnectionsOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetConnection(ctx, svcID, ids[0]); err != nil {
		t.Fatal(err)
	}
	entries, err := tflogtest.MultilineJSONDecode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var sizes []float64
	for _, e := range entries {
		if e["@message"] != "VPCEP API response body" {
			continue
		}
		body, _ := e["body"].(string)
		n, _ := e["body_bytes"].(float64)
		truncated, _ := e["body_truncated"].(bool)
		sizes = append(sizes, n)
		if len(body) > maxLoggedBody || truncated != (int(n) > maxLoggedBody) || (!truncated && len(body) != int(n)) {
			t.Errorf("logged body of %d bytes (truncated %v) for a response of %v bytes", len(body), truncated, n)
		}
	}
	if len(sizes) != 2 || sizes[0] <= maxLoggedBody || sizes[1] > maxLoggedBody {
		t.Errorf("response sizes logged = %v, want a list over %d bytes and a small lookup", sizes, maxLoggedBody)
	}
}
