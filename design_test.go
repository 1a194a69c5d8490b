package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// designRow is one row of DESIGN.md's package table: the directory it names
// ("." for main.go) and the packages of this module its imports column lists.
type designRow struct {
	dir     string
	what    string
	imports []string
}

// designTable reads the package table of DESIGN.md's "## Packages" section.
func designTable(t *testing.T) []designRow {
	t.Helper()
	f, err := os.Open("DESIGN.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []designRow
	inSection := false
	for sc := bufio.NewScanner(f); sc.Scan(); {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			inSection = line == "## Packages"
			continue
		}
		if !inSection || !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(line, "|")
		name := strings.Trim(strings.TrimSpace(cells[1]), "`")
		row := designRow{dir: strings.TrimSuffix(name, "/"), what: cells[2]}
		if name == "main.go" {
			row.dir = "."
		}
		for _, imp := range strings.Split(cells[len(cells)-2], ",") {
			row.imports = append(row.imports, strings.TrimSpace(imp))
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		t.Fatal(`DESIGN.md has no package table under "## Packages"`)
	}
	return rows
}

const module = "github.com/vpcep/terraform-provider-vpcep"

// listImports is `go list ./...`: each package's directory, relative to the
// module root, and every import path of its non-test files. The go command
// runs offline: it must never download anything.
func listImports(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "./...")
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly", "GOWORK=off")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list ./...: %v", err)
	}
	pkgs := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		d := strings.TrimPrefix(strings.TrimPrefix(fields[0], module), "/")
		if d == "" {
			d = "."
		}
		pkgs[d] = fields[1:]
	}
	return pkgs
}

// goPackages is listImports keeping, of each package's imports, the
// directories of the packages of this module.
func goPackages(t *testing.T) map[string][]string {
	t.Helper()
	pkgs := map[string][]string{}
	for d, all := range listImports(t) {
		var imports []string
		for _, imp := range all {
			if strings.HasPrefix(imp, module+"/") {
				imports = append(imports, strings.TrimPrefix(imp, module+"/"))
			}
		}
		pkgs[d] = imports
	}
	return pkgs
}

// TestUnitTerraformFreePackages catches a package that DESIGN.md calls free
// of Terraform importing a Terraform library (settings and sharedread once
// imported terraform-plugin-log): only the client may log through it.
func TestUnitTerraformFreePackages(t *testing.T) {
	t.Parallel()
	pkgs, checked := listImports(t), 0
	for _, row := range designTable(t) {
		if !strings.Contains(row.what, "free of Terraform") {
			continue
		}
		checked++
		for _, imp := range pkgs[row.dir] {
			if strings.HasPrefix(imp, "github.com/hashicorp/terraform-") {
				t.Errorf("%s, free of Terraform in DESIGN.md, imports %s", row.dir, imp)
			}
		}
	}
	if checked < 5 {
		t.Errorf("DESIGN.md calls %d packages free of Terraform; the test expects settings, credentials, sharedread, approval and policy", checked)
	}
}

// separateModules are the directories below the root holding a go.mod.
func separateModules(t *testing.T) map[string]bool {
	t.Helper()
	mods := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.Name() == "go.mod" && filepath.Dir(path) != "." {
			mods[filepath.ToSlash(filepath.Dir(path))] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return mods
}

// TestUnitDesignNamesEveryPackage catches DESIGN.md's package table drifting
// from the code: a package or separate module added, moved or removed
// without its row, a row for something that is gone, or an imports column
// that no longer lists what the package imports from this module.
func TestUnitDesignNamesEveryPackage(t *testing.T) {
	t.Parallel()
	pkgs, mods := goPackages(t), separateModules(t)
	named := map[string]bool{}
	for _, row := range designTable(t) {
		named[row.dir] = true
		imports, isPackage := pkgs[row.dir]
		switch {
		case mods[row.dir]:
			continue // another module: its imports are not this module's packages
		case !isPackage:
			t.Errorf("DESIGN.md names %s, which is neither a package of `go list ./...` nor a separate module", row.dir)
			continue
		}
		if got, want := importNames(imports), tableImports(row.imports, pkgs); !slices.Equal(got, want) {
			t.Errorf("DESIGN.md says %s imports %v of this module; it imports %v", row.dir, want, got)
		}
	}
	for dir := range pkgs {
		if !named[dir] {
			t.Errorf("package %s is missing from DESIGN.md's package table", dir)
		}
	}
	for dir := range mods {
		if !named[dir] {
			t.Errorf("separate module %s is missing from DESIGN.md's package table", dir)
		}
	}
}

// importNames are the last path elements of dirs, sorted: how the imports
// column names packages.
func importNames(dirs []string) []string {
	names := []string{}
	for _, d := range dirs {
		names = append(names, filepath.Base(d))
	}
	sort.Strings(names)
	return names
}

// tableImports keeps the entries of an imports column that name a package of
// this module ("standard library" and other modules' names are not), sorted.
func tableImports(column []string, pkgs map[string][]string) []string {
	known := map[string]bool{}
	for dir := range pkgs {
		known[filepath.Base(dir)] = true
	}
	names := []string{}
	for _, name := range column {
		if known[name] {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}
