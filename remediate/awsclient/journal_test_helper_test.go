package awsclient

import (
	"os"

	"github.com/crrscan/crrscan/remediate"
)

func openFile(path string) ([]remediate.JournalEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return remediate.ReadJournal(f)
}
