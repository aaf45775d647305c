package jiratest

import (
	"net/http"
	"strings"
)

// OAuth problem names (the OAuth Problem Reporting extension, as net.oauth
// spells them).
const (
	problemParameterAbsent         = "parameter_absent"
	problemParameterRejected       = "parameter_rejected"
	problemSignatureMethodRejected = "signature_method_rejected"
	problemTimestampRefused        = "timestamp_refused"
	problemVersionRejected         = "version_rejected"
	problemSignatureInvalid        = "signature_invalid"
	problemConsumerKeyUnknown      = "consumer_key_unknown"
	problemTokenRejected           = "token_rejected"
	problemTokenExpired            = "token_expired"
	problemPermissionUnknown       = "permission_unknown"
	problemPermissionDenied        = "permission_denied"
	problemNonceUsed               = "nonce_used"
)

// problemStatus is net.oauth's OAuth.Problems.TO_HTTP_CODE for the problems
// this provider reports.
var problemStatus = map[string]int{
	problemParameterAbsent:         http.StatusBadRequest,
	problemParameterRejected:       http.StatusBadRequest,
	problemSignatureMethodRejected: http.StatusBadRequest,
	problemTimestampRefused:        http.StatusBadRequest,
	problemVersionRejected:         http.StatusBadRequest,
	problemSignatureInvalid:        http.StatusUnauthorized,
	problemConsumerKeyUnknown:      http.StatusUnauthorized,
	problemTokenRejected:           http.StatusUnauthorized,
	problemTokenExpired:            http.StatusUnauthorized,
	problemPermissionUnknown:       http.StatusUnauthorized,
	problemPermissionDenied:        http.StatusUnauthorized,
	problemNonceUsed:               http.StatusUnauthorized,
}

// problem is an OAuth refusal: the problem name plus extra parameters, in
// the order they are reported.
type problem struct {
	name  string
	extra []param
}

func newProblem(name string, kv ...string) *problem {
	p := &problem{name: name}
	for i := 0; i+1 < len(kv); i += 2 {
		p.extra = append(p.extra, param{kv[i], kv[i+1]})
	}
	return p
}

func (p *problem) status() int {
	if s, ok := problemStatus[p.name]; ok {
		return s
	}
	return http.StatusForbidden // net.oauth's default
}

// write sends p like net.oauth's OAuthServlet.handleException: the status,
// a WWW-Authenticate header with the percent-encoded realm and every
// parameter whose name starts with "oauth_", and the parameters as a
// form-encoded body.
func (p *problem) write(w http.ResponseWriter, realm string) {
	all := append([]param{{"oauth_problem", p.name}}, p.extra...)
	var h strings.Builder
	h.WriteString(`OAuth realm="`)
	h.WriteString(percentEncode(realm))
	h.WriteByte('"')
	for _, kv := range all {
		if !strings.HasPrefix(kv.name, "oauth_") {
			continue
		}
		h.WriteString(", ")
		h.WriteString(percentEncode(kv.name))
		h.WriteString(`="`)
		h.WriteString(percentEncode(kv.value))
		h.WriteByte('"')
	}
	w.Header().Set("WWW-Authenticate", h.String())
	w.Header().Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
	w.WriteHeader(p.status())
	_, _ = w.Write([]byte(formEncode(all)))
}
