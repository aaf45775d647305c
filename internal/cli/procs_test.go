package cli

import (
	"runtime"
	"testing"
)

// TestOneProcessor checks that oneProcessor sets GOMAXPROCS to 1 and that
// what it returns puts the default back, and that it leaves a GOMAXPROCS
// the user set alone. (Not parallel: it changes the test process.)
func TestOneProcessor(t *testing.T) {
	t.Setenv("GOMAXPROCS", "")
	before := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(before)
	runtime.SetDefaultGOMAXPROCS()
	def := runtime.GOMAXPROCS(0)
	all := oneProcessor()
	if got := runtime.GOMAXPROCS(0); got != 1 {
		t.Errorf("GOMAXPROCS after oneProcessor = %d; want 1", got)
	}
	all()
	if got := runtime.GOMAXPROCS(0); got != def {
		t.Errorf("GOMAXPROCS after giving every processor back = %d; want the default, %d", got, def)
	}

	t.Setenv("GOMAXPROCS", "3")
	runtime.GOMAXPROCS(3)
	oneProcessor()()
	if got := runtime.GOMAXPROCS(0); got != 3 {
		t.Errorf("GOMAXPROCS=3 in the environment: GOMAXPROCS = %d after oneProcessor; want 3", got)
	}
}
