// Package jiratest is a strict, local OAuth 1.0a provider that behaves like
// Jira Server/Data Center's (atlassian-oauth on net.oauth). End-to-end tests
// and `jira-oauth sandbox` run it instead of a real Jira.
//
// It is deliberately independent of the client code in internal/oauth: it has
// its own Authorization header parser, RFC 3986 percent-encoder and decoder,
// parameter collection (RFC 5849 section 3.4.1.3) and base-string
// construction, and it verifies RSA-SHA1 signatures with crypto/rsa against
// the consumer's registered public key. A request passes here only if Jira
// would have accepted the same bytes, so a signer bug cannot hide behind a
// matching bug in the verifier.
//
// Endpoints (Jira's paths):
//
//	POST /plugins/servlet/oauth/request-token
//	GET  /plugins/servlet/oauth/authorize?oauth_token=T   (HTML Allow/Deny page)
//	POST /plugins/servlet/oauth/authorize                 (form: oauth_token, approve or deny)
//	POST /plugins/servlet/oauth/access-token
//	GET  /rest/api/2/myself
//	GET  /rest/api/2/serverInfo
//	GET  /rest/api/2/issue/{key}                          (seed issues DEMO-1, DEMO-2)
//	GET  /rest/api/2/issue/{key}/comment                  (paged: startAt, maxResults)
//	POST /rest/api/2/issue/{key}/comment
//	GET  /rest/api/2/search?jql=&startAt=&maxResults=     (maxResults capped at 100)
//	POST /rest/api/2/search                               (the same as a JSON body)
//	GET  /rest/agile/1.0/board                            (agile paging: isLast, values; cap 50)
//	POST /rest/api/2/issue/{key}/attachments              (multipart part "file"; needs
//	                                                       X-Atlassian-Token: no-check)
//	GET  /secure/attachment/{id}/{filename}               (an attachment's content URL)
//
// Paged answers report total honestly unless MisreportTotal says otherwise;
// SetSearchIssues, SetBoards and SetAttachmentLimit size the data.
//
// Refusals use net.oauth's format: status 400 or 401, a
// `WWW-Authenticate: OAuth realm="...", oauth_problem="..."` header and a
// form-encoded body `oauth_problem=...&...`. Every response carries a Date
// header from the provider clock, which tests move with Advance.
//
// After an out-of-band ("oob") approval, the HTML page says
// `Your verification code is '<verifier>'` and the verifier is the text of the
// element with id="oauth-verifier".
//
// A Provider is an http.Handler: serve it with httptest.NewServer(p) in tests
// or an http.Server in the sandbox. It is safe for concurrent use.
package jiratest
