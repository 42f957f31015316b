package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/vibestream/vibestream/internal/listenreward"
	"github.com/vibestream/vibestream/internal/platform/zk"
)

const zkUsage = `usage:
  vibestream zk setup             generate the proving and verifying keys of every circuit under
                                  ZK_KEYS_DIR (default $DATA_DIR/zk); existing keys are kept
  vibestream zk keys              list the circuits, their key ids and constraint counts
  vibestream zk export-solidity   write the listen circuit's Solidity verifier to stdout
`

// runZK runs the zk subcommands; they need no database.
func runZK(cfg Config, out io.Writer, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(out, zkUsage)
		return errors.New("zk: a subcommand is required")
	}
	switch args[0] {
	case "setup":
		for _, c := range zkCircuits() {
			start := time.Now()
			s, created, err := zk.LoadOrSetup(cfg.ZK.KeysDir, c)
			if err != nil {
				return err
			}
			state := "kept"
			if created {
				state = "generated"
			}
			fmt.Fprintf(out, "%-9s %-9s key %s, %d constraints (%s)\n", c.Name(), state, s.KeyID(), s.Constraints(), time.Since(start).Round(time.Millisecond))
		}
		fmt.Fprintf(out, "keys under %s (development setup: production keys come from the phase-2 ceremony, docs/ZK.md)\n", cfg.ZK.KeysDir)
		return nil
	case "keys":
		for _, c := range zkCircuits() {
			start := time.Now()
			s, err := zk.Load(cfg.ZK.KeysDir, c)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "%-9s key %s, %d constraints, public inputs %v (loaded in %s)\n", c.Name(), s.KeyID(), s.Constraints(),
				s.PublicInputs(), time.Since(start).Round(time.Microsecond))
		}
		return nil
	case "export-solidity":
		s, err := zk.Load(cfg.ZK.KeysDir, listenreward.ListenCircuit())
		if err != nil {
			return err
		}
		return s.ExportSolidity(out, "ListenVerifier")
	}
	fmt.Fprint(out, zkUsage)
	return fmt.Errorf("zk: unknown subcommand %q", args[0])
}
