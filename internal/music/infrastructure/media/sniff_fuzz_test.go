package media_test

import (
	"bytes"
	"testing"

	"github.com/vibestream/vibestream/internal/music/infrastructure/media"
)

// FuzzSniff: any leading bytes of an upload. Nothing panics (the ID3 and MPEG frame
// arithmetic reads inside the buffer only), the answer is one accepted format or none, it
// depends only on the first SniffLen bytes, and what is not audio's magic is never accepted.
func FuzzSniff(f *testing.F) {
	for _, s := range [][]byte{[]byte("fLaC\x00\x00\x00\x22"), []byte("RIFF\x24\x00\x00\x00WAVEfmt "), []byte("OggS\x00\x02OpusHead"),
		[]byte("OggS\x00\x02\x01vorbis"), []byte("\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00"), []byte("ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x64"),
		[]byte("ID3\x04\x00\x10\x7f\x7f\x7f\x7f"), []byte("\xff\xfb\x90\x64" + string(make([]byte, 413)) + "\xff\xfb\x90\x64"), []byte("\xff\xfb"),
		[]byte("\xff\xe3\x18\xc4"), {}, []byte("<html>"), bytes.Repeat([]byte{0xff}, 4100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, head []byte) {
		got := media.Sniff(head)
		switch got {
		case "":
			return
		case media.FormatFLAC, media.FormatWAV, media.FormatOgg, media.FormatOpus, media.FormatM4A, media.FormatMP3:
		default:
			t.Fatalf("Sniff = %q", got)
		}
		if len(head) > media.SniffLen && media.Sniff(head[:media.SniffLen]) != got {
			t.Fatalf("the answer depends on bytes past SniffLen")
		}
		if media.ContentType(got) == "application/octet-stream" {
			t.Fatalf("%s has no content type", got)
		}
		magic := map[string]func() bool{
			media.FormatFLAC: func() bool { return bytes.HasPrefix(head, []byte("fLaC")) },
			media.FormatWAV:  func() bool { return bytes.HasPrefix(head, []byte("RIFF")) },
			media.FormatOgg:  func() bool { return bytes.HasPrefix(head, []byte("OggS")) },
			media.FormatOpus: func() bool { return bytes.HasPrefix(head, []byte("OggS")) },
			media.FormatM4A:  func() bool { return len(head) >= 12 && string(head[4:8]) == "ftyp" },
			media.FormatMP3: func() bool {
				return bytes.HasPrefix(head, []byte("ID3")) || (len(head) >= 2 && head[0] == 0xff && head[1]&0xe0 == 0xe0)
			},
		}
		if !magic[got]() {
			t.Fatalf("Sniff named %s without its magic: % x", got, head[:min(len(head), 16)])
		}
	})
}
