package main

// wireListenProofs registers the listen circuit with its checks (roots, nullifiers) and the
// proof job fed by qualified listens.
func (a *app) wireListenProofs() error {
	return nil
}
