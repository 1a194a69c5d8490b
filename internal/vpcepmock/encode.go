package vpcepmock

import (
	"net/http"
	"strconv"
	"sync"
	"unicode/utf8"
)

// The connection list, the hot path, is encoded by hand straight from the store
// (DESIGN.md); a test holds it to encoding/json's exact bytes.

// bufferPool recycles encoding buffers between requests.
var bufferPool = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// appendConnectionJSON appends c as a ConnectionEndpoints object.
func appendConnectionJSON(b []byte, c *conn) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, c.id)
	b = append(b, `,"marker_id":`...)
	b = strconv.AppendInt(b, c.markerID, 10)
	b = append(b, `,"created_at":`...)
	b = appendJSONString(b, c.createdStr)
	b = append(b, `,"updated_at":`...)
	b = appendJSONString(b, c.updatedStr)
	b = append(b, `,"domain_id":`...)
	b = appendJSONString(b, c.domainID)
	if c.status == StatusFailed && len(c.errors) > 0 {
		b = append(b, `,"error":[`...)
		for i, e := range c.errors {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"error_code":`...)
			b = appendJSONString(b, e.ErrorCode)
			b = append(b, `,"error_message":`...)
			b = appendJSONString(b, e.ErrorMessage)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"status":`...)
	b = appendJSONString(b, c.status)
	b = append(b, `,"description":`...)
	b = appendJSONString(b, c.description)
	return append(b, '}')
}

// appendListJSON appends a ListServiceConnections body and its newline.
func appendListJSON(b []byte, page []*conn, total int) []byte {
	b = append(b, `{"connections":[`...)
	for i, c := range page {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendConnectionJSON(b, c)
	}
	b = append(b, `],"total_count":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	return append(b, "}\n"...)
}

// appendJSONString appends s as a JSON string the way encoding/json does
// without HTML escaping: control characters escaped, invalid UTF-8 replaced
// by U+FFFD, and U+2028/U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// writeRawJSON answers 200 with an already encoded JSON body.
func writeRawJSON(w http.ResponseWriter, body []byte) {
	w.Header().Set(headerContentType, contentTypeJSON)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body) // the client went away; nothing to tell it
}
