package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/mgr"
)

// The Windows service: `jindu service install` registers this binary with
// the service control manager (SCM) to run `jindu serve` under its own
// virtual account, NT SERVICE\Jindu, with its data in a folder only that
// account, SYSTEM and Administrators may open. The SCM then starts
// `jindu service run … serve …`, which speaks the SCM's protocol and runs
// the server until it is told to stop. The same binary stays a console
// program: `jindu serve` in a terminal, Ctrl+C to stop.

const (
	serviceName    = "Jindu"
	serviceSummary = "Windows service: install, uninstall (run is what the service manager starts)"
	// logMax bounds the service's log file; the one before is kept as .1.
	logMax = 10 << 20
)

func runService(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || isHelpFlag(args[0]) {
		return serviceHelp(args, stderr)
	}
	switch args[0] {
	case "install":
		return serviceInstall(args[1:], stdout, stderr)
	case "uninstall":
		return serviceUninstall(args[1:], stdout, stderr)
	case "run":
		return serviceRun(ctx, args[1:], stderr)
	}
	fmt.Fprintf(stderr, "jindu service: unknown subcommand %q (install, uninstall, run)\n", args[0])
	return errUsage
}

// defaultDataDir is %ProgramData%\Jindu.
func defaultDataDir() string {
	pd, err := windows.KnownFolderPath(windows.FOLDERID_ProgramData, 0)
	if err != nil {
		pd = os.Getenv("ProgramData")
	}
	return filepath.Join(pd, serviceName)
}

func serviceInstall(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("service install", stderr)
	dir := fs.String("dir", defaultDataDir(), "data folder: the database, backups and the log")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (0.0.0.0:8080 to serve other computers; open the port in the firewall)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	if exe, err = filepath.Abs(exe); err != nil {
		return err
	}
	d, err := filepath.Abs(*dir)
	if err != nil {
		return err
	}
	dbPath := filepath.Join(d, "jindu.db")
	serve := append([]string{"serve", "--addr", *addr, "--db", dbPath,
		"--backup-dir", filepath.Join(d, "backups"), "--backup-every", "24h", "--backup-keep", "14"}, fs.Args()...)

	// The folder first: it holds password hashes, so it must not inherit
	// ProgramData's "Users may read".
	if err := os.MkdirAll(filepath.Join(d, "backups"), 0o700); err != nil {
		return err
	}
	if err := restrictDir(d, serviceSID(serviceName)); err != nil {
		return fmt.Errorf("set the permissions of %s: %w", d, err)
	}

	m, err := mgr.Connect()
	if err != nil {
		return fmt.Errorf("connect to the service manager (run this as Administrator / 请以管理员身份运行): %w", err)
	}
	defer m.Disconnect()
	if s, err := m.OpenService(serviceName); err == nil {
		s.Close()
		return fmt.Errorf("service %s is already installed; `jindu service uninstall` first / 服务已安装", serviceName)
	}
	s, err := m.CreateService(serviceName, exe, mgr.Config{
		DisplayName:      "Jindu 进度",
		Description:      "Jindu (进度): the district's progress against its governance targets, served on " + *addr,
		StartType:        mgr.StartAutomatic,
		ErrorControl:     mgr.ErrorNormal,
		ServiceStartName: `NT SERVICE\` + serviceName,
	}, append([]string{"service", "run", "--log", filepath.Join(d, "jindu.log")}, serve...)...)
	if err != nil {
		return fmt.Errorf("create the service: %w", err)
	}
	defer s.Close()
	// Restart after a failure: 5 s, then 30 s, then every minute; the count
	// resets after a day without one.
	err = s.SetRecoveryActions([]mgr.RecoveryAction{
		{Type: mgr.ServiceRestart, Delay: 5 * time.Second},
		{Type: mgr.ServiceRestart, Delay: 30 * time.Second},
		{Type: mgr.ServiceRestart, Delay: time.Minute},
	}, 24*60*60)
	if err == nil {
		err = s.SetRecoveryActionsOnNonCrashFailures(true)
	}
	if err != nil {
		// The service runs without; say so rather than fail the install.
		fmt.Fprintf(stderr, "warning: the service will not be restarted after a failure (set it in services.msc, Recovery): %v\n", err)
	}
	fmt.Fprintf(stdout, "installed service %s: %s, data in %s, log %s\n", serviceName, *addr, d, filepath.Join(d, "jindu.log"))
	if _, err := os.Stat(dbPath); err == nil {
		if err := s.Start(); err != nil {
			return fmt.Errorf("start the service: %w", err)
		}
		fmt.Fprintln(stdout, "started with the existing database / 已用现有数据库启动")
		return nil
	}
	fmt.Fprintf(stdout, "创建第一个管理员（输入口令后回车），然后启动服务 / create the first administrator (type the passphrase, Enter), then start the service:\n"+
		"  %s user add --db \"%s\" --name admin --role admin --password-stdin\n  sc.exe start %s\n", exe, dbPath, serviceName)
	return nil
}

// restrictDir gives dir (and what it holds) a protected access list:
// SYSTEM and Administrators full control, the service's account
// read, write and delete, nobody else anything.
func restrictDir(dir, sid string) error {
	sd, err := windows.SecurityDescriptorFromString("D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1301bf;;;" + sid + ")")
	if err != nil {
		return err
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return err
	}
	return windows.SetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil)
}

func serviceUninstall(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("service uninstall", stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	m, err := mgr.Connect()
	if err != nil {
		return fmt.Errorf("connect to the service manager (run this as Administrator / 请以管理员身份运行): %w", err)
	}
	defer m.Disconnect()
	s, err := m.OpenService(serviceName)
	if err != nil {
		return fmt.Errorf("service %s is not installed: %w", serviceName, err)
	}
	defer s.Close()
	if st, err := s.Query(); err == nil && st.State != svc.Stopped {
		if _, err := s.Control(svc.Stop); err != nil {
			return fmt.Errorf("stop the service: %w", err)
		}
		// The server lets in-flight requests finish (up to 30 s).
		deadline := time.Now().Add(time.Minute)
		for st.State != svc.Stopped && time.Now().Before(deadline) {
			time.Sleep(300 * time.Millisecond)
			if st, err = s.Query(); err != nil {
				return err
			}
		}
		if st.State != svc.Stopped {
			return errors.New("the service did not stop within a minute")
		}
	}
	dir := dataDirOf(s)
	if err := s.Delete(); err != nil {
		return fmt.Errorf("delete the service: %w", err)
	}
	fmt.Fprintf(stdout, "removed service %s; the data folder %s is kept / 数据已保留\n", serviceName, dir)
	return nil
}

// dataDirOf is the folder of the database the service was installed
// with, read from its command line (QueryServiceConfig alone: mgr's
// Config also asks for settings Jindu does not use).
func dataDirOf(s *mgr.Service) string {
	n := uint32(8 << 10)
	for range 2 {
		b := make([]byte, n)
		c := (*windows.QUERY_SERVICE_CONFIG)(unsafe.Pointer(&b[0]))
		err := windows.QueryServiceConfig(s.Handle, c, n, &n)
		if errors.Is(err, windows.ERROR_INSUFFICIENT_BUFFER) {
			continue
		}
		if err != nil {
			break
		}
		args, err := windows.DecomposeCommandLine(windows.UTF16PtrToString(c.BinaryPathName))
		if err != nil {
			break
		}
		for i := range len(args) - 1 {
			if args[i] == "--db" {
				return filepath.Dir(args[i+1])
			}
		}
		break
	}
	return defaultDataDir()
}

// serviceRun is what the SCM starts: `service run --log FILE serve …`.
func serviceRun(ctx context.Context, args []string, stderr io.Writer) error {
	fs := newFlags("service run", stderr)
	logPath := fs.String("log", filepath.Join(defaultDataDir(), "jindu.log"), "log file (the one before is kept as .1)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	cmd := fs.Args()
	if len(cmd) == 0 || cmd[0] != "serve" {
		fmt.Fprintln(stderr, "usage: jindu service run [--log FILE] serve [FLAGS]")
		return errUsage
	}
	logw, err := openLogFile(*logPath, logMax)
	if err != nil {
		return err
	}
	defer logw.Close()
	h := &serviceHandler{ctx: ctx, args: cmd, log: logw}
	if err := svc.Run(serviceName, h); err != nil {
		if errors.Is(err, windows.ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
			return errors.New("only the service manager starts `jindu service run`; in a console, run `jindu serve` / 控制台中请用 jindu serve")
		}
		fmt.Fprintf(logw, "service: %v\n", err)
		return err
	}
	if h.code != 0 {
		return &exitError{h.code, fmt.Sprintf("serve exited with code %d", h.code)}
	}
	return nil
}

// serviceHandler runs `jindu serve` inside the SCM's protocol.
type serviceHandler struct {
	ctx  context.Context
	args []string
	log  io.Writer
	code int
}

func (h *serviceHandler) Execute(_ []string, req <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	status <- svc.Status{State: svc.StartPending}
	ctx, cancel := context.WithCancel(h.ctx)
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- run(ctx, h.args, nil, h.log, h.log) }()
	running := svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
	status <- running
	for {
		select {
		case h.code = <-done:
			// The server ended by itself (a bad flag, a database it may
			// not open …): a non-zero code lets the recovery restart it.
			fmt.Fprintf(h.log, "service: serve exited with code %d\n", h.code)
			return h.code != 0, uint32(h.code)
		case c := <-req:
			switch c.Cmd {
			case svc.Interrogate:
				status <- c.CurrentStatus
			case svc.Stop, svc.Shutdown:
				// As SIGTERM does: in-flight requests get up to 30 s.
				status <- svc.Status{State: svc.StopPending, WaitHint: uint32((shutdownTimeout + 15*time.Second) / time.Millisecond)}
				cancel()
				h.code = <-done
				return false, 0
			}
		}
	}
}
