package main

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// Input readers that record a CheckFailure naming the property and what is
// allowed, as the bridged provider's schema validation does.
type inputReader struct {
	props    resource.PropertyMap
	failures []plugin.CheckFailure
}

func (r *inputReader) fail(key, format string, args ...any) {
	r.failures = append(r.failures, plugin.CheckFailure{Property: resource.PropertyKey(key), Reason: fmt.Sprintf(format, args...)})
}

// known reports whether a value is present and not an unknown from a preview.
func (r *inputReader) known(key string) (resource.PropertyValue, bool) {
	v, ok := r.props[resource.PropertyKey(key)]
	if !ok || v.IsNull() || v.ContainsUnknowns() {
		return v, false
	}
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v, true
}

// integer reads a required or defaulted whole number of at least min.
func (r *inputReader) integer(key string, required bool, def, min int64) int64 {
	v, ok := r.known(key)
	if !ok {
		if _, present := r.props[resource.PropertyKey(key)]; required && !present {
			r.fail(key, "missing required property %q", key)
		}
		return def
	}
	if !v.IsNumber() || v.NumberValue() != float64(int64(v.NumberValue())) {
		r.fail(key, "%q must be a whole number, got %v", key, v)
		return def
	}
	n := int64(v.NumberValue())
	if n < min {
		r.fail(key, "%q must be at least %d, got %d", key, min, n)
	}
	return n
}

func (r *inputReader) boolean(key string, def bool) bool {
	v, ok := r.known(key)
	if !ok {
		return def
	}
	if !v.IsBool() {
		r.fail(key, "%q must be a boolean, got %v", key, v)
		return def
	}
	return v.BoolValue()
}

func (r *inputReader) str(key string) string {
	v, ok := r.known(key)
	if !ok {
		return ""
	}
	if !v.IsString() {
		r.fail(key, "%q must be a string, got %v", key, v)
		return ""
	}
	return v.StringValue()
}

// keepers: a map of strings (schema.MapAttribute{ElementType: types.StringType}).
func (r *inputReader) keepers() {
	v, ok := r.known("keepers")
	if !ok {
		return
	}
	if !v.IsObject() {
		r.fail("keepers", "\"keepers\" must be a map of strings, got %v", v)
		return
	}
	for k, e := range v.ObjectValue() {
		if !e.IsString() && !e.IsComputed() && !e.IsNull() {
			r.fail("keepers", "\"keepers.%s\" must be a string, got %v", k, e)
		}
	}
}
