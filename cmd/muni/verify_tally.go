package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/participation"
	"github.com/muni-platform/muni/internal/participation/pb"
)

// cmdVerifyTally recounts a budget from its published ballot log, trusting
// nothing but the file (and the key, when given): it needs no database.
func cmdVerifyTally(ctx context.Context, env *cmdEnv, args []string) error {
	fs := flags("verify-tally [-key HEX] [-receipt R] FILE|URL",
		"Recomputes a budget's count from its published ballot log (the JSON at\n"+
			"/m/{slug}/participation/budgets/{id}/log.json): checks every leaf's receipt, the RFC 6962 root\n"+
			"and the ed25519 checkpoint signature, then counts the ballots (the last of every slot)\n"+
			"and names the winners by greedy and by Equal Shares. -receipt proves one receipt's inclusion.")
	keyHex := fs.String("key", "", "the municipality's public key (hex); without it the key in the file is used")
	receipt := fs.String("receipt", "", "a receipt to prove")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"usage: muni verify-tally [-key HEX] [-receipt R] FILE|URL"}
	}
	var trusted ed25519.PublicKey
	if *keyHex != "" {
		k, err := hex.DecodeString(*keyHex)
		if err != nil || len(k) != ed25519.PublicKeySize {
			return usageError{"-key: want 64 hex digits"}
		}
		trusted = k
	}
	pl, err := readPublishedLog(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	rc, err := participation.VerifyLog(pl, trusted)
	if err != nil {
		return fmt.Errorf("verify-tally: the log does NOT verify: %w", err)
	}
	printRecount(env.out, pl, rc)
	if *receipt != "" {
		inc, err := pl.Prove(*receipt)
		if err != nil {
			return fmt.Errorf("verify-tally: receipt %s: %w", *receipt, err)
		}
		state := "counts"
		if !inc.Live {
			state = "replaced by a later ballot of the same voter"
		}
		fmt.Fprintf(env.out, "\nReceipt %s: leaf %d of %d, inclusion proof verified (%d hashes); %s.\n  ballot: %s\n",
			inc.Receipt, inc.Index, inc.Size, len(inc.Path), state, strings.Join(inc.Projects, ", "))
	}
	return nil
}

func readPublishedLog(ctx context.Context, src string) (participation.PublishedLog, error) {
	var pl participation.PublishedLog
	var r io.Reader
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
		if err != nil {
			return pl, err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return pl, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return pl, fmt.Errorf("verify-tally: %s: %s", src, resp.Status)
		}
		r = resp.Body
	} else {
		f, err := os.Open(src)
		if err != nil {
			return pl, err
		}
		defer f.Close()
		r = f
	}
	if err := json.NewDecoder(r).Decode(&pl); err != nil {
		return pl, fmt.Errorf("verify-tally: %s is not a ballot log: %w", src, err)
	}
	return pl, nil
}

func printRecount(w io.Writer, pl participation.PublishedLog, rc participation.Recount) {
	fmt.Fprintf(w, "Budget %s «%s», limit %s ₽\n", pl.Budget.ID, pl.Budget.Title, pb.Roubles(pl.Budget.Limit))
	fmt.Fprintf(w, "Checkpoint %s size %d root %s signed by key %s: verified.\n", pl.Checkpoint.Origin,
		pl.Checkpoint.Size, pl.Checkpoint.Root, pl.Checkpoint.KeyID)
	fmt.Fprintf(w, "Ballots counted: %d (leaves %d, replaced %d)\n\n", rc.Ballots, rc.Size, rc.Replaced)
	fmt.Fprintf(w, "%-38s %12s %7s  %-6s %-6s  %s\n", "project", "cost ₽", "votes", "greedy", "MES", "title")
	for _, p := range pl.Budget.Projects {
		fmt.Fprintf(w, "%-38s %12s %7d  %-6s %-6s  %s\n", p.ID, pb.Roubles(p.Cost), rc.Counts[p.ID],
			yes(rc.Greedy.Won(p.ID)), yes(rc.MES.Won(p.ID)), p.Title)
	}
	fmt.Fprintf(w, "\nSpent: greedy %s ₽, Equal Shares %s ₽\n", pb.Roubles(rc.Greedy.Spent), pb.Roubles(rc.MES.Spent))
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "-"
}
