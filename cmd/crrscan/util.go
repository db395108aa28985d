package main

import (
	"errors"
	"fmt"
)

func errorf(format string, a ...any) error {
	if len(a) == 0 {
		return errors.New(format)
	}
	return fmt.Errorf(format, a...)
}
