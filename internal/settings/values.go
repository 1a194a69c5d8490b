package settings

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// maxRetries checks max_retries: a whole number from 0 to the client's cap.
// A value above the cap is refused rather than silently lowered.
func maxRetries(f *big.Float) (int, *Error) {
	if f == nil {
		return DefaultMaxRetries, nil
	}
	bad := func(why string) (int, *Error) {
		return DefaultMaxRetries, &Error{Attr: MaxRetries.Attr, Summary: "Invalid max_retries",
			Detail: fmt.Sprintf("Attribute max_retries value %s, got: %s. Set a whole number from 0 (no retries) to %d, "+
				"or remove it to use the default of %d.", why, f.Text('g', -1), client.MaxRetriesLimit, DefaultMaxRetries)}
	}
	if f.Sign() < 0 {
		return bad("must be at least 0")
	}
	if !f.IsInt() {
		return bad("must be a whole number")
	}
	if f.Cmp(big.NewFloat(client.MaxRetriesLimit)) > 0 {
		return bad(fmt.Sprintf("must be at most %d", client.MaxRetriesLimit))
	}
	n, _ := f.Int64()
	return int(n), nil
}

// normalizeRegion lower-cases and trims a region name and refuses anything
// that is not letters, digits and dashes, since it becomes part of a host
// name. from names where it came from (the attribute or an env var).
func normalizeRegion(raw, from string) (string, *Error) {
	region := strings.ToLower(strings.TrimSpace(raw))
	ok := region != "" && region[0] >= 'a' && region[0] <= 'z' && !strings.HasSuffix(region, "-") && len(region) <= 64
	for i := 0; ok && i < len(region); i++ {
		c := region[i]
		ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
	}
	if !ok {
		hint := `e.g. "eu-west-101", "ap-southeast-3" or "eu-de".`
		// Underscores are the usual slip: offer the name they stand for.
		if guess := strings.NewReplacer("_", "-", " ", "-").Replace(region); guess != region {
			if _, err := normalizeRegion(guess, from); err == nil {
				hint = fmt.Sprintf("so probably %q.", guess)
			}
		}
		return "", &Error{Attr: Region.Attr, Summary: "Invalid region",
			Detail: fmt.Sprintf("The region %q (from %s) is not a region name: it must be letters, digits and dashes, "+
				"%s Fix %s (or %s), or set %s instead.",
				raw, from, hint, Region.Attr, strings.Join(Region.Env, ", "), Endpoint.Attr)}
	}
	return region, nil
}

// projectIDMaxLength bounds a project id; the API's are 32 hex digits.
const projectIDMaxLength = 64

// checkProjectID refuses a project id that is not letters, digits, dashes
// and underscores: it becomes a segment of every request's path and a
// header, so "../../etc" or a pasted "proj id" would reach the API with a
// credential only to be refused there with a lecture on permissions. from
// names where the value came from.
func checkProjectID(id, from string) *Error {
	problem := ""
	switch {
	case len(id) > projectIDMaxLength:
		problem = fmt.Sprintf("has %d characters, more than %d", len(id), projectIDMaxLength)
	default:
		for i, r := range id {
			if !isProjectIDChar(r) {
				problem = fmt.Sprintf("has %q at position %d", r, i+1)
				break
			}
		}
	}
	if problem == "" {
		return nil
	}
	return &Error{Attr: ProjectID.Attr, Summary: "Invalid project_id",
		Detail: fmt.Sprintf("The project_id %q (from %s) %s: a project id is letters, digits, dashes and underscores, "+
			"e.g. \"0123456789abcdef0123456789abcdef\". "+
			"Fix %s (or %s), or leave both unset to look the project up through IAM by region. Nothing was sent to the API.",
			id, from, problem, ProjectID.Attr, ProjectID.or())}
}

// isProjectIDChar reports a letter, digit, dash or underscore.
func isProjectIDChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_'
}
