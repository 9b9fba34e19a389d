//go:build unix

package main

import "syscall"

// ownerOnlyFiles makes every file the process creates from now on
// owner-only (umask 077): databases, their -wal and -shm files, backups,
// lock files and the copies kept before an upgrade or a restore hold
// password hashes and session digests.
func ownerOnlyFiles() { syscall.Umask(0o077) }
