// Package media recognises audio by its content and runs ffprobe and ffmpeg on it.
package media

import (
	"bytes"
	"encoding/binary"
)

// Formats accepted for upload.
const (
	FormatMP3  = "mp3"
	FormatFLAC = "flac"
	FormatWAV  = "wav"
	FormatOgg  = "ogg"  // Vorbis in Ogg
	FormatOpus = "opus" // Opus in Ogg
	FormatM4A  = "m4a"  // AAC (or ALAC) in MP4
)

// ContentType is the MIME type served for a format.
func ContentType(format string) string {
	switch format {
	case FormatMP3:
		return "audio/mpeg"
	case FormatFLAC:
		return "audio/flac"
	case FormatWAV:
		return "audio/wav"
	case FormatOgg:
		return "audio/ogg"
	case FormatOpus:
		return "audio/ogg; codecs=opus"
	case FormatM4A:
		return "audio/mp4"
	}
	return "application/octet-stream"
}

// Lossless reports formats whose bitrate never limits the ladder.
func Lossless(format string) bool { return format == FormatFLAC || format == FormatWAV }

// SniffLen is how many leading bytes Sniff wants.
const SniffLen = 4096

// Sniff recognises an accepted audio format from the first bytes of a file, whatever its name
// or declared type says. It returns "" for anything else.
func Sniff(head []byte) string {
	switch {
	case len(head) >= 4 && string(head[:4]) == "fLaC":
		return FormatFLAC
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WAVE":
		return FormatWAV
	case len(head) >= 4 && string(head[:4]) == "OggS":
		if bytes.Contains(head, []byte("OpusHead")) {
			return FormatOpus
		}
		if bytes.Contains(head, []byte("\x01vorbis")) {
			return FormatOgg
		}
		if bytes.Contains(head, []byte("\x7fFLAC")) {
			return FormatOgg
		}
		return ""
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		brand := string(head[8:12])
		switch brand {
		case "M4A ", "M4B ", "mp42", "isom", "mp41", "iso2", "dash", "M4P ":
			return FormatM4A
		}
		return ""
	case len(head) >= 10 && string(head[:3]) == "ID3":
		// ID3v2 tag, then MPEG frames: skip the tag and check the first frame header.
		size := int(head[6]&0x7f)<<21 | int(head[7]&0x7f)<<14 | int(head[8]&0x7f)<<7 | int(head[9]&0x7f)
		off := 10 + size
		if head[5]&0x10 != 0 {
			off += 10
		}
		if off+4 > len(head) {
			// a large tag (cover art): trust the tag and let ffprobe confirm the stream
			return FormatMP3
		}
		if mpegFrame(head[off:]) {
			return FormatMP3
		}
		return ""
	case mpegFrame(head) && len(head) >= 4:
		// A bare MPEG audio frame: check a second frame follows, since two bytes of sync alone
		// occur by chance in other data.
		if n := mpegFrameLen(head); n > 0 && n+4 <= len(head) {
			if mpegFrame(head[n:]) {
				return FormatMP3
			}
			return ""
		}
		return FormatMP3
	}
	return ""
}

func mpegFrame(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	h := binary.BigEndian.Uint32(b)
	if h>>21 != 0x7ff { // frame sync
		return false
	}
	version := (h >> 19) & 3
	layer := (h >> 17) & 3
	bitrate := (h >> 12) & 0xf
	rate := (h >> 10) & 3
	return version != 1 && layer == 1 /* layer III */ && bitrate != 0 && bitrate != 0xf && rate != 3
}

var mp3Bitrates = [2][16]int{
	{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0}, // MPEG-1 layer III
	{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0},     // MPEG-2/2.5 layer III
}
var mp3Rates = [4][3]int{{11025, 12000, 8000}, {}, {22050, 24000, 16000}, {44100, 48000, 32000}}

func mpegFrameLen(b []byte) int {
	h := binary.BigEndian.Uint32(b)
	version := (h >> 19) & 3
	idx := 1
	if version == 3 {
		idx = 0
	}
	br := mp3Bitrates[idx][(h>>12)&0xf] * 1000
	sr := mp3Rates[version][(h>>10)&3]
	if br == 0 || sr == 0 {
		return 0
	}
	pad := int((h >> 9) & 1)
	if version == 3 {
		return 144*br/sr + pad
	}
	return 72*br/sr + pad
}
