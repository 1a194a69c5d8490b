package vpcepmock

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// The mock's random values: ids, request ids, keys and tokens. Tests that
// make their own ids and credentials use NewID and RandomHex too.

// randomBytes returns n random bytes.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails: crypto/rand panics rather than return an error
	return b
}

// RandomHex returns n random bytes as 2n hex digits, the form of the API's
// request ids and project ids.
func RandomHex(n int) string { return hex.EncodeToString(randomBytes(n)) }

// NewID returns a random version-4 UUID, the form of the API's ids.
func NewID() string {
	b := randomBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
