// bundle-validate validates an OLM registry+v1 bundle directory the way
// `operator-sdk bundle validate --select-optional suite=operatorframework` does: it loads the
// bundle with operator-framework/api's pkg/manifests and runs pkg/validation's default bundle
// validators plus the optional OperatorHub, good-practices, deprecated-APIs and object suites.
//
// Usage: bundle-validate [-k8s-version 1.35] [-warnings-are-errors] [-accept file] <bundle dir>
//
// -accept names a file of warnings judged not to be problems, one per line: a regular expression
// (RE2) the warning must match, a tab, and the reason. Accepted warnings are printed with their reason and do not fail
// the run; an accepted entry that matches no warning fails it (the list must not go stale).
//
// Exit status: 0 when no validator reported an error (and, with -warnings-are-errors, no
// warning that is not accepted), 1 otherwise, 2 on usage errors or when the bundle cannot be
// loaded.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/operator-framework/api/pkg/manifests"
	"github.com/operator-framework/api/pkg/validation"
	"github.com/operator-framework/api/pkg/validation/errors"
	interfaces "github.com/operator-framework/api/pkg/validation/interfaces"
)

func main() {
	k8sVersion := flag.String("k8s-version", "1.35", "Kubernetes version for the deprecated-APIs check")
	strict := flag.Bool("warnings-are-errors", false, "fail on warnings too")
	acceptFile := flag.String("accept", "", "file of accepted warnings (regexp<TAB>reason)")
	flag.Parse()
	accepted, err := readAccepted(*acceptFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	used := make([]bool, len(accepted))
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: bundle-validate [-k8s-version X.Y] [-warnings-are-errors] <bundle dir>")
		os.Exit(2)
	}
	bundle, err := manifests.GetBundleFromDir(flag.Arg(0))
	if err != nil {
		fmt.Fprintf(os.Stderr, "cannot load bundle %s: %v\n", flag.Arg(0), err)
		os.Exit(2)
	}
	if bundle.CSV == nil {
		fmt.Fprintf(os.Stderr, "bundle %s has no ClusterServiceVersion\n", flag.Arg(0))
		os.Exit(2)
	}

	// The default validators (what `operator-sdk bundle validate` always runs), then the
	// optional suite=operatorframework ones. MultipleArchitecturesValidator is left out: it
	// inspects the images in registries, which this machine cannot reach (and the image is not
	// built here).
	suites := []struct {
		name       string
		validators interfaces.Validators
	}{
		{"default", validation.DefaultBundleValidators},
		{"operatorhub", interfaces.Validators{
			validation.OperatorHubV2Validator,
			validation.StandardCapabilitiesValidator,
			validation.StandardCategoriesValidator,
		}},
		{"good-practices", interfaces.Validators{validation.GoodPracticesValidator}},
		{"alpha-deprecated-apis", interfaces.Validators{validation.AlphaDeprecatedAPIsValidator}},
		{"objects", interfaces.Validators{validation.ObjectValidator}},
	}

	objs := bundle.ObjectsToValidate()
	objs = append(objs, map[string]string{"k8s-version": *k8sVersion})

	var nErr, nWarn, nAccepted, nRun int
	for _, s := range suites {
		for _, result := range s.validators.Validate(objs...) {
			nRun++
			for _, e := range result.Errors {
				nErr++
				report(s.name, result, e, "")
			}
			for _, w := range result.Warnings {
				reason := ""
				for i, a := range accepted {
					if a.pattern.MatchString(w.Error()) {
						used[i], reason = true, a.reason
						break
					}
				}
				if reason != "" {
					nAccepted++
				} else {
					nWarn++
				}
				report(s.name, result, w, reason)
			}
		}
	}
	stale := 0
	for i, a := range accepted {
		if !used[i] {
			stale++
			fmt.Printf("accepted warning matched nothing (remove it from %s): %q\n", *acceptFile, a.pattern.String())
		}
	}
	fmt.Printf("bundle %s (CSV %s, channels %v, default %s): %d validator results, %d errors, %d warnings, %d accepted warnings\n",
		flag.Arg(0), bundle.CSV.GetName(), bundle.Channels, bundle.DefaultChannel, nRun, nErr, nWarn, nAccepted)
	if nErr > 0 || stale > 0 || (*strict && nWarn > 0) {
		os.Exit(1)
	}
}

// An accepted warning: a regular expression (RE2) the warning's text must match, and why.
type acceptance struct {
	pattern *regexp.Regexp
	reason  string
}

func readAccepted(path string) ([]acceptance, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []acceptance
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		expr, reason, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(expr) == "" || strings.TrimSpace(reason) == "" {
			return nil, fmt.Errorf("%s:%d: want <regexp><TAB><reason>", path, n)
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		out = append(out, acceptance{re, strings.TrimSpace(reason)})
	}
	return out, sc.Err()
}

func report(suite string, r errors.ManifestResult, e errors.Error, accepted string) {
	if accepted != "" {
		fmt.Printf("[%s] accepted %s %s: %s\n    because: %s\n", suite, e.Level, r.Name, e.Error(), accepted)
		return
	}
	fmt.Printf("[%s] %s %s: %s\n", suite, e.Level, r.Name, e.Error())
}
