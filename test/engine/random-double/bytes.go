package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// RandomBytes (upstream internal/provider/resource_bytes.go): `length`
// required, at least 1 (int64validator.AtLeast(1)); outputs `base64`
// (standard encoding, padded) and `hex` of the same crypto/rand bytes.
type bytesKind struct{}

func (bytesKind) check(news resource.PropertyMap) (resource.PropertyMap, []plugin.CheckFailure) {
	r := &inputReader{props: news}
	r.integer("length", true, 0, 1)
	r.keepers()
	return news, r.failures
}

func (bytesKind) outputKeys() []resource.PropertyKey { return []resource.PropertyKey{"base64", "hex"} }

func (bytesKind) generate(inputs resource.PropertyMap) (resource.PropertyMap, error) {
	r := &inputReader{props: inputs}
	buf := make([]byte, r.integer("length", true, 0, 1))
	if _, err := rand.Read(buf); err != nil {
		return nil, err
	}
	return resource.PropertyMap{
		"base64": resource.NewStringProperty(base64.StdEncoding.EncodeToString(buf)),
		"hex":    resource.NewStringProperty(hex.EncodeToString(buf)),
	}, nil
}
