package main

import (
	"context"
	"fmt"
	"sort"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// A resource type the double implements: its input rules and how it
// generates its outputs.
type resourceKind interface {
	// check validates the inputs and applies upstream's defaults.
	check(news resource.PropertyMap) (resource.PropertyMap, []plugin.CheckFailure)
	// generate returns the computed outputs for checked inputs.
	generate(inputs resource.PropertyMap) (resource.PropertyMap, error)
	// outputKeys are the computed outputs (unknown during a preview).
	outputKeys() []resource.PropertyKey
}

var kinds = map[tokens.Type]resourceKind{
	"random:index/randomPassword:RandomPassword": passwordKind{},
	"random:index/randomBytes:RandomBytes":       bytesKind{},
}

type randomDouble struct {
	plugin.UnimplementedProvider
	version string
}

func (p *randomDouble) kind(t tokens.Type) (resourceKind, error) {
	k, ok := kinds[t]
	if !ok {
		return nil, fmt.Errorf("the random provider test double does not implement %q (only RandomPassword and RandomBytes)", t)
	}
	return k, nil
}

func (p *randomDouble) Close() error { return nil }

func (p *randomDouble) SignalCancellation(context.Context) error { return nil }

func (p *randomDouble) GetPluginInfo(context.Context) (plugin.PluginInfo, error) {
	v, err := semver.Parse(p.version)
	if err != nil {
		return plugin.PluginInfo{}, err
	}
	return plugin.PluginInfo{Version: &v}, nil
}

func (p *randomDouble) Handshake(context.Context, plugin.ProviderHandshakeRequest) (*plugin.ProviderHandshakeResponse, error) {
	return &plugin.ProviderHandshakeResponse{AcceptSecrets: true}, nil
}

// The random provider has no configuration.
func (p *randomDouble) CheckConfig(_ context.Context, req plugin.CheckConfigRequest) (plugin.CheckConfigResponse, error) {
	return plugin.CheckConfigResponse{Properties: req.News}, nil
}

func (p *randomDouble) DiffConfig(context.Context, plugin.DiffConfigRequest) (plugin.DiffConfigResponse, error) {
	return plugin.DiffResult{Changes: plugin.DiffNone}, nil
}

func (p *randomDouble) Configure(context.Context, plugin.ConfigureRequest) (plugin.ConfigureResponse, error) {
	return plugin.ConfigureResponse{}, nil
}

func (p *randomDouble) Check(_ context.Context, req plugin.CheckRequest) (plugin.CheckResponse, error) {
	k, err := p.kind(req.Type)
	if err != nil {
		return plugin.CheckResponse{}, err
	}
	inputs, failures := k.check(req.News)
	return plugin.CheckResponse{Properties: inputs, Failures: failures}, nil
}

// Diff: every input of both resources is RequiresReplace upstream
// (int64planmodifier.RequiresReplace, boolplanmodifiers.RequiresReplace,
// mapplanmodifiers.RequiresReplaceIfValuesNotNull on keepers), so any
// changed input replaces the resource and so generates a new value.
func (p *randomDouble) Diff(_ context.Context, req plugin.DiffRequest) (plugin.DiffResponse, error) {
	keys := map[resource.PropertyKey]bool{}
	for k := range req.OldInputs {
		keys[k] = true
	}
	for k := range req.NewInputs {
		keys[k] = true
	}
	var changed []resource.PropertyKey
	detailed := map[string]plugin.PropertyDiff{}
	for k := range keys {
		oldV, hadOld := req.OldInputs[k]
		newV, hasNew := req.NewInputs[k]
		if hadOld && hasNew && oldV.DeepEquals(newV) {
			continue
		}
		changed = append(changed, k)
		kind := plugin.DiffUpdateReplace
		if !hadOld {
			kind = plugin.DiffAddReplace
		} else if !hasNew {
			kind = plugin.DiffDeleteReplace
		}
		detailed[string(k)] = plugin.PropertyDiff{Kind: kind, InputDiff: true}
	}
	if len(changed) == 0 {
		return plugin.DiffResult{Changes: plugin.DiffNone}, nil
	}
	sort.Slice(changed, func(i, j int) bool { return changed[i] < changed[j] })
	return plugin.DiffResult{
		Changes:      plugin.DiffSome,
		ReplaceKeys:  changed,
		ChangedKeys:  changed,
		DetailedDiff: detailed,
	}, nil
}

func (p *randomDouble) Create(_ context.Context, req plugin.CreateRequest) (plugin.CreateResponse, error) {
	k, err := p.kind(req.Type)
	if err != nil {
		return plugin.CreateResponse{}, err
	}
	state := req.Properties.Copy()
	if req.Preview {
		for _, key := range k.outputKeys() {
			state[key] = resource.MakeComputed(resource.NewStringProperty(""))
		}
		return plugin.CreateResponse{Properties: state, Status: resource.StatusOK}, nil
	}
	outputs, err := k.generate(req.Properties)
	if err != nil {
		return plugin.CreateResponse{}, err
	}
	for key, v := range outputs {
		state[key] = v
	}
	// Upstream's id is the constant "none" for both types.
	return plugin.CreateResponse{ID: "none", Properties: state, Status: resource.StatusOK}, nil
}

// Read: the value lives only in the state (upstream's Read is a no-op).
func (p *randomDouble) Read(_ context.Context, req plugin.ReadRequest) (plugin.ReadResponse, error) {
	return plugin.ReadResponse{
		ReadResult: plugin.ReadResult{ID: req.ID, Inputs: req.Inputs, Outputs: req.State},
		Status:     resource.StatusOK,
	}, nil
}

// Update never happens: Diff replaces on every change.
func (p *randomDouble) Update(_ context.Context, req plugin.UpdateRequest) (plugin.UpdateResponse, error) {
	return plugin.UpdateResponse{}, fmt.Errorf("%s: update requested, but every input of %s forces a replacement", req.URN, req.Type)
}

func (p *randomDouble) Delete(context.Context, plugin.DeleteRequest) (plugin.DeleteResponse, error) {
	return plugin.DeleteResponse{Status: resource.StatusOK}, nil
}
