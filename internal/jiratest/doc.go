// Package jiratest is a strict, local OAuth 1.0a provider that behaves like
// Jira Server/Data Center's (atlassian-oauth on net.oauth), with Jira DC's
// OAuth 2.0 provider and personal access tokens beside it. End-to-end tests
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
// OAuth 2.0 (Jira DC 8.22+ incoming links; Jira 11 service accounts) and
// personal access tokens (Jira 8.14+), as strict as Jira:
//
//	GET  /rest/oauth2/latest/authorize   client_id, redirect_uri, response_type=code,
//	                                     scope, state, code_challenge,
//	                                     code_challenge_method=S256: the consent
//	                                     page (Allow/Deny, the 1.0a page's buttons
//	                                     "approve"/"deny"), or with AutoApprove a
//	                                     302 to redirect_uri?code=...&state=...
//	POST /rest/oauth2/latest/authorize   the page's form (approve or deny); the
//	                                     action keeps the query
//	POST /rest/oauth2/latest/token       form-encoded only (anything else, JSON
//	                                     above all: HTTP 500); client_id and
//	                                     client_secret in the form or as HTTP Basic,
//	                                     checked every time (401 invalid_client);
//	                                     grant_type authorization_code | refresh_token
//	                                     | client_credentials
//	POST /rest/oauth2/latest/revoke      token=...; client authenticated likewise
//	POST   /rest/pat/latest/tokens       {"name","expirationDuration": days 1-365 or absent}
//	                                     -> 201 {"id","name","createdAt","expiringAt","rawToken"}
//	GET    /rest/pat/latest/tokens       the user's live tokens, without rawToken
//	DELETE /rest/pat/latest/tokens/{id}  204; 404 if unknown or another user's
//
// The OAuth 2.0 rules: register clients with AddOAuth2Client or
// Options.OAuth2Clients; a redirect URI must be https, or http with the
// host exactly "localhost" (127.0.0.1 is refused at registration), and an
// authorize request's redirect_uri must equal a registered one exactly,
// port included. An unknown client_id or redirect_uri gets a 400 error page,
// never a redirect; other authorize errors redirect with error,
// error_description and state (invalid_scope for anything but one of READ,
// WRITE, ADMIN, SYSTEM_ADMIN; unsupported_response_type; invalid_request
// for a code_challenge_method other than S256 or a malformed challenge);
// Deny redirects with error=access_denied&state. A code is single-use
// (presenting it again also revokes its tokens), lives 10 minutes, needs
// the same redirect_uri and, with PKCE, a verifier whose S256 is the
// challenge. Answers are JSON {"access_token","token_type":"bearer",
// "expires_in":3600,"refresh_token","scope"}; access tokens last an hour.
// A refresh needs redirect_uri too and rotates: the refresh token and its
// access token die, the new refresh token keeps the 90 days from the
// approval; of two concurrent refreshes of one token the second gets
// invalid_grant. client_credentials works only for a client with
// ServiceAccount set (else unauthorized_client), needs a scope and gives no
// refresh token. Errors are JSON {"error","error_description"}: 401 for
// invalid_client, 400 otherwise. Revoking an unknown token answers 200;
// another client's token is refused (400 invalid_request).
//
// REST calls with `Authorization: Bearer TOKEN` run as the user of a live
// OAuth 2.0 access token or PAT (X-AUSERNAME names them). An unknown,
// expired or revoked token gets 401 with `WWW-Authenticate: Bearer
// realm="...", error="invalid_token", ...` and Jira's "You are not
// authenticated" JSON body. A READ token may only read (GET, HEAD, POST
// /rest/api/2/search); other calls need WRITE or above (403). PATs are
// created, listed and revoked with any working credential (OAuth 1.0a,
// OAuth 2.0 or a PAT) for its user.
//
// Test hooks: Advance and AgeTokens move OAuth 2.0 and PAT expiry too;
// RefreshCount counts refresh_token grant requests that passed client
// authentication (successful or not);
// LiveOAuth2Tokens and LivePATs count what is neither expired nor revoked;
// IssuedSecrets includes codes, OAuth 2.0 tokens and raw PATs.
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
