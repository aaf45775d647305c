// Package proxy is the local signing proxy of 'jira-oauth proxy': an HTTP
// handler that lets any client on this machine call Jira through the OAuth
// 1.0a link without implementing it.
//
// The Handler admits only callers that present its token (Bearer, or Basic
// with the token as password), refuses anything that would leave
// jira_home (absolute-form requests, CONNECT, paths with dot segments that
// could escape jira_home's context path), removes the caller's
// Authorization header and forwards the request to the same path under
// jira_home through a transport that signs it (oauth.Transport). It is
// built on net/http/httputil.ReverseProxy with a Rewrite hook, so answers
// stream back unchanged.
package proxy
