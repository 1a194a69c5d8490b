package vpcepmock

import (
	"encoding/json"
	"net/http"
)

// ErrorFormat values of Config.ErrorFormat.
const (
	// ErrorFormatNested is {"error":{"code","message"}}, the action call's documented form and the default.
	ErrorFormatNested = "nested"
	// ErrorFormatFlat is {"error_code","error_msg"}, the error-code pages' form.
	ErrorFormatFlat = "flat"
)

// apiError is one error answer; gateway errors always take the gateway's flat form with request_id.
type apiError struct {
	status  int
	code    string
	message string
	gateway bool
}

// withMessage returns e with another message (the code stays contractual;
// messages are not, per the error-code appendix).
func (e apiError) withMessage(msg string) apiError {
	e.message = msg
	return e
}

// Service errors, from the API reference's error-code table.
var (
	// errSystem is only injected; 503 rather than the table's 500 so faults exercise 503 retries.
	errSystem        = apiError{status: http.StatusServiceUnavailable, code: "EndPoint.0001", message: "System error. Please retry."}
	errParameter     = apiError{status: http.StatusBadRequest, code: "EndPoint.0002", message: "Parameter error."}
	errForbidden     = apiError{status: http.StatusForbidden, code: "EndPoint.0004", message: "Authentication information is incorrect or you have no permissions."}
	errNotFound      = apiError{status: http.StatusNotFound, code: "EndPoint.0005", message: "The requested resource does not exist."}
	errInvalidLimit  = apiError{status: http.StatusBadRequest, code: "EndPoint.0006", message: "Invalid limit."}
	errInvalidAction = apiError{status: http.StatusBadRequest, code: "EndPoint.0007", message: "Invalid action."}
	errInvalidOffset = apiError{status: http.StatusBadRequest, code: "EndPoint.0010", message: "Invalid offset."}
	// errBodyNull is 400, not the table's 504: a 504 invites retries that can never succeed.
	errBodyNull           = apiError{status: http.StatusBadRequest, code: "EndPoint.0011", message: "The request body is null."}
	errInvalidSortKey     = apiError{status: http.StatusBadRequest, code: "EndPoint.0017", message: "Invalid sort_key."}
	errInvalidSortDir     = apiError{status: http.StatusBadRequest, code: "EndPoint.0018", message: "Invalid sort_dir."}
	errInvalidStatus      = apiError{status: http.StatusBadRequest, code: "EndPoint.0019", message: "Invalid status."}
	errInvalidVPCID       = apiError{status: http.StatusBadRequest, code: "EndPoint.0020", message: "Invalid VPC ID."}
	errInvalidMarkerID    = apiError{status: http.StatusBadRequest, code: "EndPoint.0021", message: "Invalid marker_id."}
	errTooManyRequests    = apiError{status: http.StatusBadRequest, code: "EndPoint.0022", message: "The number of requests exceeded the limit. Please try later."}
	errServiceNotExist    = apiError{status: http.StatusBadRequest, code: "EndPoint.2003", message: "The endpoint service does not exist."}
	errSubnetEmpty        = apiError{status: http.StatusBadRequest, code: "EndPoint.2010", message: "The input parameter subnet ID is empty."}
	errVPCEmpty           = apiError{status: http.StatusBadRequest, code: "EndPoint.2011", message: "The input parameter VPC ID is empty."}
	errNotOnService       = apiError{status: http.StatusBadRequest, code: "EndPoint.2013", message: "The endpoint does not belong to the endpoint service."}
	errInvalidEndpointID  = apiError{status: http.StatusBadRequest, code: "EndPoint.2017", message: "Invalid endpoint ID."}
	errEndpointDeleting   = apiError{status: http.StatusBadRequest, code: "EndPoint.2018", message: "The endpoint is being deleted."}
	errServiceIDEmpty     = apiError{status: http.StatusBadRequest, code: "EndPoint.2029", message: "The requested endpoint service ID is empty."}
	errOnlyOneEndpoint    = apiError{status: http.StatusBadRequest, code: "EndPoint.2031", message: "Only one endpoint is allowed."}
	errFailedUnmodifiable = apiError{status: http.StatusBadRequest, code: "EndPoint.2047", message: "The VPC endpoint in the Failed status cannot be modified."}
	errInvalidServerType  = apiError{status: http.StatusBadRequest, code: "EndPoint.3021", message: "Invalid serverType."}
	errInvalidPort        = apiError{status: http.StatusBadRequest, code: "EndPoint.3043", message: "The service port is invalid."}
	errInvalidPortID      = apiError{status: http.StatusBadRequest, code: "EndPoint.3063", message: "Invalid port ID."}
	errInvalidServiceName = apiError{status: http.StatusBadRequest, code: "EndPoint.3076", message: "Invalid service name."}
)

// API gateway errors, from the signing guide's error-code page.
var (
	errNoSuchAPI = apiError{status: http.StatusNotFound, code: "APIGW.0101", gateway: true,
		message: "The API does not exist or has not been published in the environment."}
	errAuth = apiError{status: http.StatusUnauthorized, code: "APIGW.0301", gateway: true,
		message: "Incorrect IAM authentication information: x-auth-token not found"}
	errThrottled = apiError{status: http.StatusTooManyRequests, code: "APIGW.0308", gateway: true,
		message: "The throttling threshold has been reached: policy user over ratelimit,limit:200,time:1 second"}
	errEntityTooLarge = apiError{status: http.StatusRequestEntityTooLarge, code: "APIGW.0201", gateway: true,
		message: "Request entity too large."}
)

// Messages of 401 APIGW.0301 for each authentication failure.
const (
	msgTokenMissing  = "Incorrect IAM authentication information: x-auth-token not found"
	msgTokenInvalid  = "Incorrect IAM authentication information: decrypt token fail"
	msgAKSKMismatch  = "Incorrect IAM authentication information: verify aksk signature fail, "
	msgAKUnknown     = "Incorrect IAM authentication information: Get secretKey failed,ak:"
	msgAKSKExpired   = "Incorrect IAM authentication information: calc ak sk signature fail:signature expired, "
	msgAKSKMalformed = "Incorrect IAM authentication information: verify aksk signature fail, "
)

type nestedErrorBody struct {
	Error nestedError `json:"error"`
}

type nestedError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// flatErrorBody is the live service's flat form; RequestID is set only for
// gateway errors.
type flatErrorBody struct {
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
	RequestID string `json:"request_id,omitempty"`
}

// writeAPIError answers e in the form its origin uses: gateway errors in the
// gateway form, service errors in the configured form.
func writeAPIError(w http.ResponseWriter, format, requestID string, e apiError) {
	var body any
	switch {
	case e.gateway:
		body = flatErrorBody{ErrorCode: e.code, ErrorMsg: e.message, RequestID: requestID}
	case format == ErrorFormatFlat:
		body = flatErrorBody{ErrorCode: e.code, ErrorMsg: e.message}
	default:
		body = nestedErrorBody{Error: nestedError{Code: e.code, Message: e.message}}
	}
	writeJSON(w, e.status, body)
}

// writeJSON answers status with v encoded as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set(headerContentType, contentTypeJSON)
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away; nothing to tell it
}
