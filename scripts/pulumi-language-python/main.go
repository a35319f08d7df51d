// A minimal Pulumi language host for Python programs, built by scripts/install-pulumi-cli.
//
// Pulumi's own host (module github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3) is not
// served by the Go module proxy that this project can reach, so this one is built against the served
// sdk/v3 module instead. It covers what `pulumi up/preview/refresh/destroy/install/about` need:
// it runs the program through `pulumi-language-python-exec` (shipped in sdk/v3, copied next to this
// binary) with the interpreter of the virtualenv/toolchain named in Pulumi.yaml, resolved by sdk/v3's
// python/toolchain package exactly as the real host does.
//
// Not implemented (the engine tolerates Unimplemented or an empty answer): discovery of provider
// plugins from installed pulumi-* packages (GetRequiredPackages returns none, so resource plugins are
// loaded on first use instead), typechecker runs, code generation, packing and linking.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// How often the host checks that the engine that started it is still there. Upstream hosts check
// every 5 minutes; a killed `pulumi up` should not leave this host and its program running that long.
const engineCheckInterval = 2 * time.Second

// Exit code with which pulumi-language-python-exec says it has already shown the user the error.
const userActionableExitCode = 32

func main() {
	// The engine passes --logtostderr, -v=N and --tracing to every plugin it launches. A dependency
	// (glog) may already have registered the first two; InitLogging reads them from the flag set.
	if flag.Lookup("logtostderr") == nil {
		flag.Bool("logtostderr", false, "log to stderr")
	}
	if flag.Lookup("v") == nil {
		flag.Int("v", 0, "log verbosity")
	}
	tracing := flag.String("tracing", "", "Zipkin-compatible tracing endpoint")
	flag.Parse()
	logging.InitLogging(false, 0, false)

	execScript, err := findExecScript()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// Cancelled when the engine goes away: the server stops and a running program is killed.
	lifetime, engineGone := context.WithCancel(context.Background())
	host := &pythonHost{execScript: execScript, tracing: *tracing, lifetime: lifetime}
	if flag.NArg() > 0 {
		host.engineAddress = flag.Arg(0)
		if err := rpcutil.Healthcheck(lifetime, host.engineAddress, engineCheckInterval, engineGone); err != nil {
			fmt.Fprintf(os.Stderr, "could not watch the engine at %s: %v\n", host.engineAddress, err)
			os.Exit(1)
		}
	}
	// The engine stops its plugins with SIGINT and waits 5 s for one that does not stop. A process
	// a shell started in the background inherits SIGINT ignored; asking for it takes it back.
	interrupted := make(chan os.Signal, 1)
	signal.Notify(interrupted, os.Interrupt)
	go func() {
		<-interrupted
		engineGone()
	}()
	stop := make(chan bool)
	go func() {
		<-lifetime.Done()
		close(stop)
	}()

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "could not start language host RPC server: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "language host RPC stopped serving: %v\n", err)
		os.Exit(1)
	}
}

// findExecScript looks for pulumi-language-python-exec next to this binary, then on PATH.
func findExecScript() (string, error) {
	const name = "pulumi-language-python-exec"
	if self, err := os.Executable(); err == nil {
		if self, err = filepath.EvalSymlinks(self); err == nil {
			candidate := filepath.Join(filepath.Dir(self), name)
			if _, err := os.Stat(candidate); err == nil {
				return candidate, nil
			}
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("could not find %s next to this language host or on $PATH", name)
}

type pythonHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	execScript    string
	engineAddress string
	lifetime      context.Context
	tracing       string
}

// toolchainFor resolves the Python toolchain from the runtime options of Pulumi.yaml.
func toolchainFor(info *pulumirpc.ProgramInfo) (toolchain.Toolchain, error) {
	if info == nil {
		return nil, errors.New("the engine sent no program info")
	}
	opts := toolchain.PythonOptions{
		Root:       info.GetRootDirectory(),
		ProgramDir: info.GetProgramDirectory(),
		Toolchain:  toolchain.Pip,
	}
	o := info.GetOptions().AsMap()
	if v, ok := o["virtualenv"].(string); ok {
		opts.Virtualenv = v
	}
	switch o["toolchain"] {
	case nil, "pip":
	case "uv":
		opts.Toolchain = toolchain.Uv
	case "poetry":
		opts.Toolchain = toolchain.Poetry
	default:
		return nil, fmt.Errorf("unsupported python toolchain %v", o["toolchain"])
	}
	return toolchain.ResolveToolchain(opts)
}

func (h *pythonHost) Handshake(
	ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *pythonHost) GetRequiredPlugins(
	ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *pythonHost) GetRequiredPackages(
	ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *pythonHost) GetPluginInfo(ctx context.Context, _ *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *pythonHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	tc, err := toolchainFor(info)
	if err != nil {
		return nil, err
	}
	if err := tc.ValidateVenv(ctx); err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	args := []string{"-u", h.execScript}
	addArg := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	addArg("monitor", req.GetMonitorAddress())
	addArg("engine", h.engineAddress)
	addArg("project", req.GetProject())
	addArg("stack", req.GetStack())
	addArg("pwd", req.GetPwd())
	addArg("dry_run", fmt.Sprint(req.GetDryRun()))
	addArg("parallel", fmt.Sprint(req.GetParallel()))
	addArg("tracing", h.tracing)
	addArg("organization", req.GetOrganization())
	addArg("root_directory", info.GetRootDirectory())
	program := info.GetEntryPoint()
	if program == "" {
		program = "."
	}
	args = append(args, filepath.Join(info.GetProgramDirectory(), program))
	args = append(args, req.GetArgs()...)

	// A stack without config must still reach the program as {}, not null.
	configValues := req.GetConfig()
	if configValues == nil {
		configValues = map[string]string{}
	}
	config, err := json.Marshal(configValues)
	if err != nil {
		return nil, fmt.Errorf("serializing config: %w", err)
	}
	secretKeys, err := json.Marshal(append([]string{}, req.GetConfigSecretKeys()...))
	if err != nil {
		return nil, fmt.Errorf("serializing config secret keys: %w", err)
	}

	// The program ends with the request, or with this host when the engine is gone.
	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()
	defer context.AfterFunc(h.lifetime, cancelRun)()
	cmd, err := tc.Command(runCtx, args...)
	if err != nil {
		return nil, err
	}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env,
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys),
		"PYTHONUNBUFFERED=1")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr

	var exitErr *exec.ExitError
	switch err := cmd.Run(); {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exitErr) && exitErr.ExitCode() == userActionableExitCode:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exitErr):
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
		}, nil
	default:
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Problem executing program (could not run language executor): %v", err),
		}, nil
	}
}

// streamWriter forwards install output to the engine.
type streamWriter struct {
	send   func(*pulumirpc.InstallDependenciesResponse) error
	stderr bool
}

func (w streamWriter) Write(p []byte) (int, error) {
	b := append([]byte(nil), p...)
	msg := &pulumirpc.InstallDependenciesResponse{Stdout: b}
	if w.stderr {
		msg = &pulumirpc.InstallDependenciesResponse{Stderr: b}
	}
	if err := w.send(msg); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (h *pythonHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest,
	server grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	tc, err := toolchainFor(req.GetInfo())
	if err != nil {
		return err
	}
	var stdout, stderr io.Writer = streamWriter{send: server.Send}, streamWriter{send: server.Send, stderr: true}
	// Creates the virtualenv first where it is missing.
	return tc.InstallDependencies(server.Context(), req.GetInfo().GetProgramDirectory(), req.GetUseLanguageVersionTools(),
		true, stdout, stderr)
}

func (h *pythonHost) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	tc, err := toolchainFor(req.GetInfo())
	if err != nil {
		return nil, err
	}
	about, err := tc.About(ctx)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{
		Executable: about.PythonExecutable,
		Version:    about.PythonVersion.String(),
	}, nil
}

func (h *pythonHost) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	tc, err := toolchainFor(req.GetInfo())
	if err != nil {
		return nil, err
	}
	pkgs, err := tc.ListPackages(ctx, req.GetTransitiveDependencies())
	if err != nil {
		return nil, err
	}
	deps := make([]*pulumirpc.DependencyInfo, len(pkgs))
	for i, p := range pkgs {
		deps[i] = &pulumirpc.DependencyInfo{Name: p.Name, Version: p.Version}
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}
