package loader

import (
	"bytes"
	"io"
)

// lineReader passes a file to a json.Decoder and keeps the bytes the
// decoder has been given since the last mark, so that byte offsets the
// decoder reports can be turned into lines and columns, and a record that
// failed to decode can be looked at again, without holding the file: the
// window holds about one record plus the decoder's read-ahead.
type lineReader struct {
	r       io.Reader
	buf     []byte // buf[start:] holds the bytes from offset mark onwards
	start   int
	mark    int64 // offset of buf[start]
	line    int   // line of mark, from 1
	lineOff int64 // offset at which that line starts
	err     error // the first read error other than io.EOF
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{r: r, line: 1}
}

// Read implements io.Reader.
func (l *lineReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.buf = append(l.buf, p[:n]...)
	if err != nil && err != io.EOF && l.err == nil {
		l.err = err
	}
	return n, err
}

// end is the offset just past the last byte read.
func (l *lineReader) end() int64 { return l.mark + int64(len(l.buf)-l.start) }

// clamp keeps off inside the window.
func (l *lineReader) clamp(off int64) int64 {
	return min(max(off, l.mark), l.end())
}

// bytes returns the window's bytes from offset from to offset to.
func (l *lineReader) bytes(from, to int64) []byte {
	from, to = l.clamp(from), l.clamp(to)
	return l.buf[l.start+int(from-l.mark) : l.start+int(to-l.mark)]
}

// pos returns the 1-based line and byte column of offset off (at or after
// the mark).
func (l *lineReader) pos(off int64) (line, col int) {
	off = l.clamp(off)
	b := l.bytes(l.mark, off)
	line, lineOff := l.line, l.lineOff
	if n := bytes.Count(b, []byte{'\n'}); n > 0 {
		line += n
		lineOff = l.mark + int64(bytes.LastIndexByte(b, '\n')) + 1
	}
	return line, int(off-lineOff) + 1
}

// advance moves the mark to off, forgetting the bytes before it.
func (l *lineReader) advance(off int64) {
	off = l.clamp(off)
	line, col := l.pos(off)
	l.line, l.lineOff = line, off-int64(col-1)
	l.start += int(off - l.mark)
	l.mark = off
	if l.start > len(l.buf)/2 {
		n := copy(l.buf, l.buf[l.start:])
		l.buf, l.start = l.buf[:n], 0
	}
}

// skipSpace returns the offset of the first byte at or after off that is
// neither white space nor one of the separators in seps.
func (l *lineReader) skipSpace(off int64, seps string) int64 {
	b := l.bytes(off, l.end())
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r' || bytes.IndexByte([]byte(seps), b[i]) >= 0) {
		i++
	}
	return l.clamp(off) + int64(i)
}
