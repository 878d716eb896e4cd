package commands

import (
	"fmt"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"

	"github.com/pocketcampfire/campfire/routes"
)

// Versions are the versions the binary was built from.
type Versions struct {
	Campfire   string
	PocketBase string
	Go         string
}

// BuildVersions reads Campfire's version (set at build time: make build-go) and PocketBase's (from
// the module information of the binary).
func BuildVersions() Versions {
	v := Versions{Campfire: routes.Version, PocketBase: "unknown", Go: runtime.Version()}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/pocketbase/pocketbase" {
				v.PocketBase = dep.Version
			}
		}
	}
	return v
}

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:          "version",
		Short:        "Prints the versions of Campfire, PocketBase and Go this binary was built from",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		Annotations:  map[string]string{NoBootstrap: "true"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := BuildVersions()
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "campfire %s (pocketbase %s, %s %s/%s)\n",
				v.Campfire, v.PocketBase, v.Go, runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}

// newHealthcheckCommand asks a running server's /api/health: the Docker HEALTHCHECK of an image that
// has no curl. It exits non-zero unless the answer is 200.
func newHealthcheckCommand() *cobra.Command {
	var url string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:          "healthcheck",
		Short:        "Checks a running server's /api/health (exit code 0 when healthy)",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		Annotations:  map[string]string{NoBootstrap: "true"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			client := &http.Client{Timeout: timeout}
			res, err := client.Get(url)
			if err != nil {
				return fmt.Errorf("healthcheck: %w", err)
			}
			defer res.Body.Close()
			if res.StatusCode != http.StatusOK {
				return fmt.Errorf("healthcheck: %s answered %d", url, res.StatusCode)
			}
			return nil
		},
	}
	def := "http://127.0.0.1:8090/api/health"
	if v := os.Getenv("CAMPFIRE_HEALTHCHECK_URL"); v != "" {
		def = v
	}
	cmd.Flags().StringVar(&url, "url", def, "the health address to ask (env CAMPFIRE_HEALTHCHECK_URL)")
	cmd.Flags().DurationVar(&timeout, "timeout", 3*time.Second, "how long to wait for the answer")
	return cmd
}
