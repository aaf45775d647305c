package config

// Keys of config.properties. Times are RFC 3339 in UTC.
const (
	KeyJiraHome             = "jira_home"
	KeyConsumerKey          = "consumer_key"
	KeyPrivateKey           = "private_key"
	KeyRequestToken         = "request_token"
	KeyRequestTokenSecret   = "request_token_secret"
	KeyRequestTokenIssuedAt = "request_token_issued_at"
	KeyAccessToken          = "access_token"
	KeySecret               = "secret" // access token secret; a Java-written file may hold the verifier here
	KeyAccessTokenIssuedAt  = "access_token_issued_at"
	KeyAccessTokenExpiresAt = "access_token_expires_at"
	KeySessionHandle        = "session_handle"
	KeySessionExpiresAt     = "session_expires_at"
	KeyCAFile               = "ca_file"
	// KeyAccessTokenJiraHome is the jira_home the access token came from,
	// so that status can tell when jira_home changed since.
	KeyAccessTokenJiraHome = "access_token_jira_home"
)

// SecretKeys are the keys whose values are never printed unless the user
// asks for them: the private key and the token secrets.
var SecretKeys = []string{KeyPrivateKey, KeySecret, KeyRequestTokenSecret}
