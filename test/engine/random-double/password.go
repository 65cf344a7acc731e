package main

import (
	"crypto/rand"
	"math/big"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"golang.org/x/crypto/bcrypt"
)

// RandomPassword (upstream internal/provider/resource_password.go and
// internal/random/string.go): `length` required, at least 1 and at least the
// sum of the min_* counts; `upper`, `lower`, `numeric` (deprecated alias
// `number`) and `special` default to true; `min*` default to 0;
// `overrideSpecial` replaces the default special set; outputs `result` and
// `bcryptHash` (bcrypt of result, default cost).
type passwordKind struct{}

const (
	upperChars          = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	lowerChars          = "abcdefghijklmnopqrstuvwxyz"
	numericChars        = "0123456789"
	defaultSpecialChars = "!@#$%&*()-_=+[]{}<>:?"
)

type passwordParams struct {
	length                 int64
	upper, lower, numeric  bool
	special                bool
	minUpper, minLower     int64
	minNumeric, minSpecial int64
	overrideSpecial        string
}

func readPassword(props resource.PropertyMap) (passwordParams, []plugin.CheckFailure) {
	r := &inputReader{props: props}
	p := passwordParams{
		length:          r.integer("length", true, 0, 1),
		upper:           r.boolean("upper", true),
		lower:           r.boolean("lower", true),
		numeric:         r.boolean("numeric", r.boolean("number", true)),
		special:         r.boolean("special", true),
		minUpper:        r.integer("minUpper", false, 0, 0),
		minLower:        r.integer("minLower", false, 0, 0),
		minNumeric:      r.integer("minNumeric", false, 0, 0),
		minSpecial:      r.integer("minSpecial", false, 0, 0),
		overrideSpecial: r.str("overrideSpecial"),
	}
	r.keepers()
	if sum := p.minUpper + p.minLower + p.minNumeric + p.minSpecial; p.length > 0 && p.length < sum {
		r.fail("length", "\"length\" (%d) must be at least minUpper + minLower + minNumeric + minSpecial (%d)", p.length, sum)
	}
	if !p.upper && !p.lower && !p.numeric && !p.special {
		r.fail("length", "at least one of upper, lower, numeric and special must be true")
	}
	return p, r.failures
}

func (passwordKind) check(news resource.PropertyMap) (resource.PropertyMap, []plugin.CheckFailure) {
	_, failures := readPassword(news)
	return news, failures
}

func (passwordKind) outputKeys() []resource.PropertyKey {
	return []resource.PropertyKey{"result", "bcryptHash"}
}

func (passwordKind) generate(inputs resource.PropertyMap) (resource.PropertyMap, error) {
	p, _ := readPassword(inputs)
	result, err := p.generate()
	if err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(result), bcrypt.DefaultCost)
	if err != nil {
		return nil, err
	}
	return resource.PropertyMap{
		"result":     resource.NewStringProperty(result),
		"bcryptHash": resource.NewStringProperty(string(hash)),
	}, nil
}

// generate draws the required minimum of each class, fills the rest from the
// enabled classes, then shuffles, as upstream's CreateString does.
func (p passwordParams) generate() (string, error) {
	special := defaultSpecialChars
	if p.overrideSpecial != "" {
		special = p.overrideSpecial
	}
	all := ""
	for _, c := range []struct {
		on    bool
		chars string
	}{{p.upper, upperChars}, {p.lower, lowerChars}, {p.numeric, numericChars}, {p.special, special}} {
		if c.on {
			all += c.chars
		}
	}
	out := make([]byte, 0, p.length)
	for _, m := range []struct {
		n     int64
		chars string
	}{{p.minUpper, upperChars}, {p.minLower, lowerChars}, {p.minNumeric, numericChars}, {p.minSpecial, special}} {
		drawn, err := draw(m.chars, m.n)
		if err != nil {
			return "", err
		}
		out = append(out, drawn...)
	}
	rest, err := draw(all, p.length-int64(len(out)))
	if err != nil {
		return "", err
	}
	out = append(out, rest...)
	for i := len(out) - 1; i > 0; i-- { // Fisher-Yates with crypto/rand
		j, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			return "", err
		}
		out[i], out[j.Int64()] = out[j.Int64()], out[i]
	}
	return string(out), nil
}

func draw(chars string, n int64) ([]byte, error) {
	out := make([]byte, 0, n)
	for i := int64(0); i < n; i++ {
		idx, err := rand.Int(rand.Reader, big.NewInt(int64(len(chars))))
		if err != nil {
			return nil, err
		}
		out = append(out, chars[idx.Int64()])
	}
	return out, nil
}
