package main

// wireContexts builds every bounded context and the orchestrator's workflows. Each context
// gets the shared plumbing and only the other contexts' contracts it needs.
func (a *app) wireContexts() error {
	if err := a.wirePayment(); err != nil {
		return err
	}
	return nil
}
