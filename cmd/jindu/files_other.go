//go:build !unix

package main

// ownerOnlyFiles: there is no umask here; db.Open still creates a new
// database 0600.
func ownerOnlyFiles() {}
