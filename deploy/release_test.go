package deploy

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// goreleaserBuild is the part of .goreleaser.yaml's builds this test reads.
type goreleaserBuild struct {
	Main    string   `json:"main"`
	Env     []string `json:"env"`
	Flags   []string `json:"flags"`
	Ldflags []string `json:"ldflags"`
	Goos    []string `json:"goos"`
	Goarch  []string `json:"goarch"`
}

// makeVars are the Makefile's simple variable assignments (NAME := value).
func makeVars(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile("../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	re := regexp.MustCompile(`^([A-Z_]+)\s*[:?]?=\s*(.*)$`)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			vars[m[1]] = strings.TrimSpace(m[2])
		}
	}
	return vars
}

// ldflagNames are the -s/-w switches and the -X variable names of ldflags.
func ldflagNames(ldflags string) []string {
	var out []string
	fields := strings.Fields(ldflags)
	for i, f := range fields {
		switch {
		case f == "-s" || f == "-w":
			out = append(out, f)
		case f == "-X" && i+1 < len(fields):
			name, _, _ := strings.Cut(fields[i+1], "=")
			out = append(out, "-X "+name)
		}
	}
	slices.Sort(out)
	return out
}

// TestReleaseBuildFlags: the release archives (.goreleaser.yaml) and the
// container image's binary (make docker) are built the same way: static
// (CGO_ENABLED=0), -trimpath, the same -ldflags switches and variables, for
// linux/darwin/windows on amd64 and arm64. The Dockerfile copies that binary onto
// an empty base and runs it as a non-root user, with crrscan as its entrypoint.
func TestReleaseBuildFlags(t *testing.T) {
	data, err := os.ReadFile("../.goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Builds []goreleaserBuild `json:"builds"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil || len(cfg.Builds) != 1 {
		t.Fatalf(".goreleaser.yaml: %d builds, %v", len(cfg.Builds), err)
	}
	b := cfg.Builds[0]
	vars := makeVars(t)
	if got := strings.Fields(vars["STATIC_ENV"]); !slices.Equal(got, b.Env) || !slices.Contains(b.Env, "CGO_ENABLED=0") {
		t.Errorf("env: Makefile %v, .goreleaser.yaml %v (both want CGO_ENABLED=0)", got, b.Env)
	}
	if got := strings.Fields(vars["STATIC_FLAGS"]); !slices.Equal(got, b.Flags) || !slices.Contains(b.Flags, "-trimpath") {
		t.Errorf("flags: Makefile %v, .goreleaser.yaml %v", got, b.Flags)
	}
	if got, want := ldflagNames(vars["STATIC_LDFLAGS"]), ldflagNames(strings.Join(b.Ldflags, " ")); !slices.Equal(got, want) || !slices.Contains(want, "-X main.version") {
		t.Errorf("ldflags: Makefile %v, .goreleaser.yaml %v", got, want)
	}
	if !slices.Equal(b.Goos, []string{"linux", "darwin", "windows"}) || !slices.Equal(b.Goarch, []string{"amd64", "arm64"}) || b.Main != "./cmd/crrscan" {
		t.Errorf("targets: %+v", b)
	}

	df := dockerfile(t)
	if df["FROM"] != "scratch" && !strings.Contains(df["FROM"], "distroless") {
		t.Errorf("base image %q: want scratch or distroless", df["FROM"])
	}
	if u := df["USER"]; u == "" || strings.HasPrefix(u, "0") || strings.HasPrefix(u, "root") {
		t.Errorf("USER %q: want a non-root user", u)
	}
	if df["ENTRYPOINT"] != `["/usr/local/bin/crrscan"]` || df["COPY"] != "crrscan /usr/local/bin/crrscan" {
		t.Errorf("entrypoint %s, copy %s", df["ENTRYPOINT"], df["COPY"])
	}
	if !strings.Contains(vars["STATIC_LDFLAGS"], "-X main.version=$(VERSION)") {
		t.Errorf("STATIC_LDFLAGS does not set the version: %s", vars["STATIC_LDFLAGS"])
	}
}

// dockerfile is the Dockerfile's instructions, the last of each kind.
func dockerfile(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, _ := strings.Cut(line, " ")
		out[strings.ToUpper(k)] = strings.TrimSpace(v)
	}
	return out
}

// TestContainerImage builds the image with podman from a binary built as `make
// docker` builds it, and checks its configuration (uid 65532, crrscan as the
// entrypoint) and that the binary inside is that binary, byte for byte; then runs
// it where the machine lets podman run containers (in our sandboxes crun cannot
// set the container's rlimits and cgroups, so the run is skipped with the reason).
// It skips when podman is not installed (Debian's podman package; CI does not
// install it).
func TestContainerImage(t *testing.T) {
	podman, err := exec.LookPath("podman")
	if err != nil {
		t.Skip("podman is not installed (apt-get install podman)")
	}
	vars := makeVars(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "crrscan")
	build := exec.Command("go", append(append([]string{"build"}, strings.Fields(vars["STATIC_FLAGS"])...),
		"-ldflags", "-s -w -X main.version=image-test", "-o", bin, "../cmd/crrscan")...)
	build.Env = append(os.Environ(), append(strings.Fields(vars["STATIC_ENV"]), "GOOS=linux")...)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	tag := fmt.Sprintf("localhost/crrscan-test:%d", os.Getpid())
	podmanOut := func(args ...string) (string, error) {
		out, err := exec.Command(podman, args...).CombinedOutput()
		return string(out), err
	}
	run := func(args ...string) string {
		t.Helper()
		out, err := podmanOut(args...)
		if err != nil {
			t.Fatalf("podman %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	run("build", "-q", "-f", "../Dockerfile", "-t", tag, dir)
	t.Cleanup(func() { _ = exec.Command(podman, "rmi", "-f", tag).Run() })
	if out := run("image", "inspect", "--format", "{{.Config.User}} {{json .Config.Entrypoint}}", tag); strings.TrimSpace(out) != `65532:65532 ["/usr/local/bin/crrscan"]` {
		t.Errorf("image config: %q", out)
	}
	ctr := strings.TrimSpace(run("create", tag))
	t.Cleanup(func() { _ = exec.Command(podman, "rm", "-f", ctr).Run() })
	inside := filepath.Join(t.TempDir(), "crrscan")
	run("cp", ctr+":/usr/local/bin/crrscan", inside)
	want, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(inside); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("the image's binary differs from the one built (%d bytes, %d): %v", len(got), len(want), err)
	}
	out, err := podmanOut("run", "--rm", tag, "version")
	if err != nil && strings.Contains(out, "crun:") {
		t.Skipf("built and checked; podman cannot run containers on this machine: %s", strings.TrimSpace(out))
	}
	if err != nil || !strings.Contains(out, "image-test") {
		t.Errorf("crrscan version in the image: %v %q", err, out)
	}
}
