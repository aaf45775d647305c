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

	// KeyAuthMethod says how requests are authorised: AuthOAuth1 (the
	// default when absent), AuthOAuth2 or AuthPAT.
	KeyAuthMethod = "auth_method"
	// OAuth 2.0 (Jira 8.22+ incoming links; Jira 11 service accounts).
	KeyOAuth2ClientID     = "oauth2_client_id"
	KeyOAuth2ClientSecret = "oauth2_client_secret"
	KeyOAuth2RedirectURI  = "oauth2_redirect_uri"
	KeyOAuth2Scope        = "oauth2_scope" // READ, WRITE (default), ADMIN, SYSTEM_ADMIN
	KeyOAuth2AccessToken  = "oauth2_access_token"
	KeyOAuth2RefreshToken = "oauth2_refresh_token"
	KeyOAuth2ExpiresAt    = "oauth2_expires_at"
	// Personal access tokens (Jira 8.14+).
	KeyPAT          = "pat"
	KeyPATID        = "pat_id"
	KeyPATExpiresAt = "pat_expires_at"
)

// Values of KeyAuthMethod.
const (
	AuthOAuth1 = "oauth1"
	AuthOAuth2 = "oauth2"
	AuthPAT    = "pat"
)

// DefaultOAuth2Scope is the scope asked for when oauth2_scope is not set.
const DefaultOAuth2Scope = "WRITE"

// SecretKeys are the keys whose values are never printed unless the user
// asks for them: the private key, the token secrets, the OAuth 2.0 client
// secret and tokens, and the personal access token.
var SecretKeys = []string{KeyPrivateKey, KeySecret, KeyRequestTokenSecret,
	KeyOAuth2ClientSecret, KeyOAuth2AccessToken, KeyOAuth2RefreshToken, KeyPAT}
