//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package commands

import "os"

// Elsewhere (Windows) the password is read as a line from stdin, with echo.
func isTerminal(*os.File) bool { return false }

func readHidden(f *os.File) (string, error) { return readLine(f) }
