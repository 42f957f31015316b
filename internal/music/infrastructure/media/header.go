package media

import (
	"encoding/binary"
	"io"
	"os"
)

// headerDuration reads the duration of WAV and FLAC files from their headers, for machines
// without ffprobe; other formats report 0.
func headerDuration(path, format string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	switch format {
	case FormatFLAC:
		var b [42]byte
		if _, err := io.ReadFull(f, b[:]); err != nil {
			return 0, ErrNotAudio
		}
		// STREAMINFO: 20-bit sample rate, 36-bit total samples, after fLaC and the block header
		si := b[8:]
		rate := int64(si[10])<<12 | int64(si[11])<<4 | int64(si[12])>>4
		total := int64(si[13]&0x0f)<<32 | int64(binary.BigEndian.Uint32(si[14:18]))
		if rate == 0 {
			return 0, ErrNotAudio
		}
		return int(total * 1000 / rate), nil
	case FormatWAV:
		var hdr [12]byte
		if _, err := io.ReadFull(f, hdr[:]); err != nil {
			return 0, ErrNotAudio
		}
		var byteRate, dataSize int64
		for {
			var ch [8]byte
			if _, err := io.ReadFull(f, ch[:]); err != nil {
				break
			}
			size := int64(binary.LittleEndian.Uint32(ch[4:]))
			switch string(ch[:4]) {
			case "fmt ":
				var fm [16]byte
				if _, err := io.ReadFull(f, fm[:]); err != nil {
					return 0, ErrNotAudio
				}
				byteRate = int64(binary.LittleEndian.Uint32(fm[8:12]))
				if _, err := f.Seek(size-16+size%2, io.SeekCurrent); err != nil {
					return 0, ErrNotAudio
				}
			case "data":
				dataSize = size
			default:
				if _, err := f.Seek(size+size%2, io.SeekCurrent); err != nil {
					return 0, ErrNotAudio
				}
			}
			if dataSize > 0 {
				break
			}
		}
		if byteRate == 0 || dataSize == 0 {
			return 0, ErrNotAudio
		}
		return int(dataSize * 1000 / byteRate), nil
	}
	return 0, nil
}
