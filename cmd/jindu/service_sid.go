package main

import (
	"crypto/sha1"
	"encoding/binary"
	"strconv"
	"strings"
	"unicode/utf16"
)

// serviceSID is the security identifier Windows gives the virtual account
// NT SERVICE\<name> of a service: S-1-5-80 followed by the SHA-1 of the
// upper-cased name in UTF-16LE, read as five little-endian 32-bit numbers.
// `jindu service install` grants it the data folder; computing it needs no
// call to the account database, which knows the account only once the
// service exists. (Portable so that its test runs everywhere.)
func serviceSID(name string) string {
	u := utf16.Encode([]rune(strings.ToUpper(name)))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	sum := sha1.Sum(b)
	sid := "S-1-5-80"
	for i := 0; i < len(sum); i += 4 {
		sid += "-" + strconv.FormatUint(uint64(binary.LittleEndian.Uint32(sum[i:])), 10)
	}
	return sid
}
