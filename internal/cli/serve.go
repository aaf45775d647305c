package cli

// serveConcurrently is called by the commands that serve many callers at
// once (proxy, sandbox) before they listen: Env.ServeConcurrently.
func (a *app) serveConcurrently() {
	if a.env.ServeConcurrently != nil {
		a.env.ServeConcurrently()
	}
}
