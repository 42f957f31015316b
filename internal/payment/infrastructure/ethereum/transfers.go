package ethereum

import (
	"context"
	"fmt"
	"math/big"

	geth "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Transfer is one VIBE Transfer event.
type Transfer struct {
	TxHash      common.Hash
	LogIndex    uint
	BlockNumber uint64
	BlockHash   common.Hash
	From        common.Address
	To          common.Address
	Amount      *big.Int // token base units
}

// TransfersTo returns the VIBE Transfer events to `to` in blocks [from, through].
func (c *Client) TransfersTo(ctx context.Context, to common.Address, from, through uint64) ([]Transfer, error) {
	ev := c.abi.GetABI().Events["Transfer"]
	logs, err := c.eth.FilterLogs(ctx, geth.FilterQuery{
		FromBlock: new(big.Int).SetUint64(from), ToBlock: new(big.Int).SetUint64(through),
		Addresses: []common.Address{c.token},
		Topics:    [][]common.Hash{{ev.ID}, nil, {common.BytesToHash(to.Bytes())}},
	})
	if err != nil {
		return nil, fmt.Errorf("ethereum: filter Transfer logs %d..%d: %w", from, through, err)
	}
	out := make([]Transfer, 0, len(logs))
	for i := range logs {
		l := logs[i]
		if l.Removed {
			continue
		}
		t, err := c.abi.UnpackTransferEvent(&l)
		if err != nil {
			return nil, fmt.Errorf("ethereum: decode Transfer log: %w", err)
		}
		out = append(out, Transfer{TxHash: l.TxHash, LogIndex: l.Index, BlockNumber: l.BlockNumber, BlockHash: l.BlockHash,
			From: t.From, To: t.To, Amount: t.Value})
	}
	return out, nil
}

// Checkpoints persists how far a scanner has processed (the last block handled).
type Checkpoints interface {
	Load(ctx context.Context, name string) (block uint64, ok bool, err error)
	Save(ctx context.Context, name string, block uint64) error
}

// DepositScanner finds VIBE transfers to the hot wallet once they are `Confirmations` deep and
// hands them to Handle, then advances a persisted checkpoint. Blocks above the depth are never
// read, so a reorg shallower than the depth cannot un-credit anything. Handle must be
// idempotent (keyed on tx hash + log index): a crash between Handle and the checkpoint save
// replays the range.
type DepositScanner struct {
	Client      *Client
	Checkpoints Checkpoints
	Name        string
	// StartBlock is where a scanner with no checkpoint begins (usually the deployment block).
	StartBlock uint64
	// MaxRange bounds one eth_getLogs call (default 2000 blocks).
	MaxRange uint64
	Handle   func(ctx context.Context, transfers []Transfer) error
}

// Poll processes every newly confirmed block range once; it returns how many transfers it
// handed over.
func (s *DepositScanner) Poll(ctx context.Context) (int, error) {
	head, err := s.Client.BlockNumber(ctx)
	if err != nil {
		return 0, err
	}
	depth := s.Client.Confirmations()
	if head+1 < depth {
		return 0, nil
	}
	safe := head + 1 - depth // the newest block with `depth` confirmations
	from := s.StartBlock
	last, ok, err := s.Checkpoints.Load(ctx, s.Name)
	if err != nil {
		return 0, err
	}
	if ok {
		from = last + 1
	}
	maxRange := s.MaxRange
	if maxRange == 0 {
		maxRange = 2000
	}
	total := 0
	for from <= safe {
		through := min(safe, from+maxRange-1)
		ts, err := s.Client.TransfersTo(ctx, s.Client.Address(), from, through)
		if err != nil {
			return total, err
		}
		if len(ts) > 0 {
			if err := s.Handle(ctx, ts); err != nil {
				return total, err
			}
		}
		if err := s.Checkpoints.Save(ctx, s.Name, through); err != nil {
			return total, err
		}
		total += len(ts)
		from = through + 1
	}
	return total, nil
}

var _ = types.ReceiptStatusSuccessful
