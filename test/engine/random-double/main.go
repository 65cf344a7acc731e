// pulumi-resource-random (TEST DOUBLE): a stand-in for the Pulumi random
// provider, used only by the engine tests (test/engine). The real provider
// (github.com/pulumi/pulumi-random) is refused by the Go module proxy at every
// version, so CI cannot build it from the registries; see docs/engine-tests.md.
//
// It implements only the two resource types the program declares
// (components/credentials.ts): random:index/randomPassword:RandomPassword and
// random:index/randomBytes:RandomBytes, with the inputs, defaults, validation,
// outputs and replace-on-any-change behaviour of upstream
// terraform-provider-random (internal/provider/resource_password.go,
// resource_bytes.go, internal/random/string.go), which @pulumi/random bridges.
// Values come from crypto/rand, as upstream's do.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// version is set at build time to the version @pulumi/random asks for, with
// "+test-double" build metadata so `pulumi plugin ls` and the state show what
// ran.
var version = "0.0.0+test-double"

func main() {
	// Like real providers, exit when the engine that started us (its address
	// is the first argument) stops answering, so no orphan outlives a killed CLI.
	ctx, cancel := context.WithCancel(context.Background())
	cancelChannel := make(chan bool)
	go func() {
		<-ctx.Done()
		close(cancelChannel)
	}()
	if len(os.Args) > 1 {
		if err := rpcutil.Healthcheck(ctx, os.Args[1], 5*time.Minute, cancel); err != nil {
			fmt.Fprintf(os.Stderr, "pulumi-resource-random (test double): %v\n", err)
			os.Exit(1)
		}
	}
	server := plugin.NewProviderServer(&randomDouble{version: version})
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancelChannel,
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterResourceProviderServer(s, server)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-random (test double): %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the plugin's first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-random (test double): %v\n", err)
		os.Exit(1)
	}
}
