package db

import (
	"errors"
	"fmt"
	"os"
)

// ErrInUse is returned when another process holds a database that must be
// exclusive: a second server, or a restore while a server runs.
var ErrInUse = errors.New("the database is in use by a running jindu server; stop it first / 数据库正被运行中的 jindu 服务使用，请先停止服务")

// Lock is an exclusive advisory lock on a database, held by `jindu serve`
// for as long as it runs and taken by Restore. It lives in <db>.lock (the
// file is never deleted: deleting a lock file races with its next taker),
// and the operating system releases it when the process ends, even by
// SIGKILL or a power cut, so it never goes stale.
type Lock struct {
	f *os.File
}

// LockExclusive takes the lock of the database at dbPath without waiting:
// it returns ErrInUse when another process holds it.
func LockExclusive(dbPath string) (*Lock, error) {
	p := dbPath + ".lock"
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", p, err)
	}
	if err := tryLock(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", p, err)
	}
	return &Lock{f: f}, nil
}

// Release gives the lock up.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the descriptor releases the lock
	l.f = nil
	return err
}
