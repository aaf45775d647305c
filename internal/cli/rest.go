package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/oauth"
)

// token returns a token saved under key, without the white space Java
// keeps around values (a token never has any): "" when it is missing or
// blank, so a blank token is "not set" rather than sent to Jira.
func token(cfg *config.File, key string) string {
	return strings.TrimSpace(cfg.Get(key))
}

// restSession is what whoami, comment and doctor need to call Jira's REST
// API as the user of the saved access token.
type restSession struct {
	cfg    *config.File
	client *oauth.Client // with its Authorizer (authClient)
}

// restSession loads the config and checks that it holds an access token.
func (a *app) restSession() (*restSession, error) {
	cfg, err := a.loadConfig()
	if err != nil {
		return nil, err
	}
	client, err := a.authClient(cfg) // the config's auth_method: auth.go
	if err != nil {
		return nil, err
	}
	return &restSession{cfg: cfg, client: client}, nil
}

// call makes a signed REST call to path (relative to jira_home, as
// request resolves it) with an optional JSON body.
func (s *restSession) call(ctx context.Context, method, path string, jsonBody any) (*oauth.Response, error) {
	var body []byte
	if jsonBody != nil {
		var err error
		if body, err = json.Marshal(jsonBody); err != nil {
			return nil, err
		}
	}
	target, err := resolveTarget(s.client.JiraHome, path)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, target.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if body == nil {
		req.Body, req.GetBody, req.ContentLength = nil, nil, 0
	} else {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	return s.client.Do(ctx, req, "")
}

// anonymousError is Jira serving a signed call as the anonymous user: the
// OAuth header never took effect. It exits like an OAuth refusal.
// config is the path of the config (for the doctor hint); "" is the default.
type anonymousError struct{ op, config string }

func (e *anonymousError) Error() string {
	return e.op + ": Jira treated the signed call as anonymous (X-AUSERNAME: anonymous), so the access token was not used: " +
		"a proxy in front of Jira may strip the Authorization header; run '" + config.Command(e.config, "doctor") + "'"
}

// isAnonymous reports whether Jira answered as the anonymous user: it says
// so in X-AUSERNAME, or refuses with 401 without an oauth_problem (a
// refused signature always names its oauth_problem).
func isAnonymous(resp *oauth.Response) bool {
	return strings.EqualFold(resp.Header.Get("X-AUSERNAME"), "anonymous") || resp.StatusCode == http.StatusUnauthorized
}

// restErrorText is the reason a REST answer gives: Jira's errorMessages
// and errors, or the status alone.
func restErrorText(resp *oauth.Response) string {
	var body struct {
		ErrorMessages []string          `json:"errorMessages"`
		Errors        map[string]string `json:"errors"`
		Message       string            `json:"message"`
	}
	var reasons []string
	if json.Unmarshal(resp.Body, &body) == nil {
		reasons = append(reasons, body.ErrorMessages...)
		for field, msg := range body.Errors {
			reasons = append(reasons, field+": "+msg)
		}
		if body.Message != "" {
			reasons = append(reasons, body.Message)
		}
	}
	if len(reasons) == 0 {
		return resp.Status
	}
	return resp.Status + ": " + oneLine(strings.Join(reasons, "; "))
}

// errNotJSON is a 2xx answer whose body is not the JSON Jira sends.
var errNotJSON = errors.New("the answer is not JSON: is jira_home Jira's base URL?")

// decodeJSON reads a 2xx REST answer.
func decodeJSON(op string, resp *oauth.Response, v any) error {
	if err := json.Unmarshal(resp.Body, v); err != nil {
		return fmt.Errorf("%s: %w", op, errNotJSON)
	}
	return nil
}
