package load

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"sync"
)

// digest hashes (SHA-256) and compresses (gzip) an upload's bytes as they
// are read, on a goroutine of its own: at province scale that is about a
// tenth of an import's CPU, which the scheduler can then run beside the
// parser and the writer instead of on the parser's time. Write copies the
// bytes, so the reader's buffer can be reused at once.
type digest struct {
	work chan []byte
	free chan []byte
	done chan struct{}
	once sync.Once

	// Owned by the goroutine until done is closed.
	h  hash.Hash
	zw *gzip.Writer
	gz bytes.Buffer
}

const digestBuffers = 8

func startDigest() *digest {
	d := &digest{work: make(chan []byte, digestBuffers), free: make(chan []byte, digestBuffers),
		done: make(chan struct{}), h: sha256.New()}
	d.zw, _ = gzip.NewWriterLevel(&d.gz, gzip.BestSpeed) // the level is valid
	go func() {
		defer close(d.done)
		for b := range d.work {
			d.h.Write(b)  // never fails
			d.zw.Write(b) // into a bytes.Buffer: never fails
			select {
			case d.free <- b[:0]:
			default:
			}
		}
		d.zw.Close()
	}()
	return d
}

// Write queues a copy of p.
func (d *digest) Write(p []byte) (int, error) {
	var b []byte
	select {
	case b = <-d.free:
	default:
	}
	d.work <- append(b, p...)
	return len(p), nil
}

// finish waits for every queued byte and returns the hex SHA-256 and the
// gzip-compressed bytes. It is safe to call more than once.
func (d *digest) finish() (string, []byte) {
	d.once.Do(func() { close(d.work) })
	<-d.done
	return hex.EncodeToString(d.h.Sum(nil)), d.gz.Bytes()
}
