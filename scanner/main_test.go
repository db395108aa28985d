package scanner

import (
	"testing"

	"github.com/crrscan/crrscan/scanner/scantest"
)

// moto is the package's emulator, started once; tests call moto.Require(t).
var moto *scantest.SharedMoto

func TestMain(m *testing.M) {
	moto = scantest.StartSharedMoto()
	defer moto.Close()
	m.Run()
}
