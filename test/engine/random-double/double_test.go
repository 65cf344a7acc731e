package main

import (
	"context"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

const passwordType = "random:index/randomPassword:RandomPassword"

func check(t *testing.T, typ string, inputs resource.PropertyMap) []plugin.CheckFailure {
	t.Helper()
	res, err := (&randomDouble{}).Check(context.Background(), plugin.CheckRequest{Type: tokensType(typ), News: inputs})
	if err != nil {
		t.Fatal(err)
	}
	return res.Failures
}

func TestCheckRejectsWhatUpstreamRejects(t *testing.T) {
	for name, c := range map[string]struct {
		typ    string
		inputs resource.PropertyMap
		want   string
	}{
		"password without length": {passwordType, resource.PropertyMap{}, `missing required property "length"`},
		"password length 0":       {passwordType, resource.PropertyMap{"length": resource.NewNumberProperty(0)}, `"length" must be at least 1`},
		"minimums above length": {passwordType, resource.PropertyMap{
			"length": resource.NewNumberProperty(3), "minUpper": resource.NewNumberProperty(2), "minNumeric": resource.NewNumberProperty(2),
		}, "must be at least minUpper + minLower + minNumeric + minSpecial (4)"},
		"fractional length": {passwordType, resource.PropertyMap{"length": resource.NewNumberProperty(2.5)}, "whole number"},
		"bytes length 0":    {"random:index/randomBytes:RandomBytes", resource.PropertyMap{"length": resource.NewNumberProperty(0)}, `"length" must be at least 1`},
	} {
		failures := check(t, c.typ, c.inputs)
		if len(failures) == 0 || !strings.Contains(failures[0].Reason, c.want) {
			t.Errorf("%s: want a failure containing %q, got %+v", name, c.want, failures)
		}
	}
	if f := check(t, passwordType, resource.PropertyMap{"length": resource.NewNumberProperty(32), "special": resource.NewBoolProperty(false)}); len(f) != 0 {
		t.Errorf("the program's own inputs must pass, got %+v", f)
	}
}

func TestPasswordHonoursClassesAndMinimums(t *testing.T) {
	p, _ := readPassword(resource.PropertyMap{
		"length": resource.NewNumberProperty(32), "special": resource.NewBoolProperty(false), "minNumeric": resource.NewNumberProperty(5),
	})
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		s, err := p.generate()
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != 32 || strings.ContainsAny(s, defaultSpecialChars) {
			t.Fatalf("want 32 characters without specials, got %q", s)
		}
		if digits := len(strings.Map(keepDigits, s)); digits < 5 {
			t.Fatalf("want at least 5 digits, got %q", s)
		}
		seen[s] = true
	}
	if len(seen) != 50 {
		t.Errorf("50 draws gave %d distinct passwords", len(seen))
	}
}

func TestAnyInputChangeReplaces(t *testing.T) {
	old := resource.PropertyMap{"length": resource.NewNumberProperty(32), "special": resource.NewBoolProperty(false)}
	same, _ := (&randomDouble{}).Diff(context.Background(), plugin.DiffRequest{OldInputs: old, NewInputs: old.Copy()})
	if same.Changes != plugin.DiffNone {
		t.Errorf("unchanged inputs: want no diff, got %+v", same)
	}
	changed := old.Copy()
	changed["length"] = resource.NewNumberProperty(40)
	diff, _ := (&randomDouble{}).Diff(context.Background(), plugin.DiffRequest{OldInputs: old, NewInputs: changed})
	if diff.Changes != plugin.DiffSome || len(diff.ReplaceKeys) != 1 || diff.ReplaceKeys[0] != "length" {
		t.Errorf("a changed length must replace, got %+v", diff)
	}
}

func tokensType(s string) tokens.Type { return tokens.Type(s) }

// keepDigits drops every rune that is not a decimal digit (for strings.Map).
func keepDigits(r rune) rune {
	if r >= '0' && r <= '9' {
		return r
	}
	return -1
}
