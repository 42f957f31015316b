package domain

import (
	"fmt"
	"time"

	"github.com/vibestream/vibestream/internal/kernel/errs"
)

// Song length bounds of the original design, enforced on the decoded audio.
const (
	MinSongDuration = time.Second
	MaxSongDuration = time.Hour
	// MaxDecodeErrors is how many decoder complaints a song may cause (a damaged frame or two
	// in a long file plays fine); past it the file is damaged.
	MaxDecodeErrors = 3
)

// Why an upload's decoded audio cannot become a song. The song ends failed with the message.
var (
	ErrAudioTooShort  = errs.New(errs.Unprocessable, "music.audio_too_short", "the audio is shorter than 1 second")
	ErrAudioTooLong   = errs.New(errs.Unprocessable, "music.audio_too_long", "the audio is longer than 1 hour")
	ErrAudioDamaged   = errs.New(errs.Unprocessable, "music.audio_damaged", "the audio is damaged: decoding reported errors")
	ErrAudioTruncated = errs.New(errs.Unprocessable, "music.audio_truncated", "the audio is shorter than its header claims: the file looks truncated or damaged")
)

// DecodeReport is what a full decode of an upload found: the length of the audio actually
// decoded (never more than MaxSongDuration plus a little, as the decoder is stopped there) and
// how many errors the decoder reported.
type DecodeReport struct {
	DurationMS int
	Errors     int
}

// JudgeDecode decides from a full decode whether an upload can become a song; claimedMS is the
// duration its header announced. A decoded length off the claim by more than 5% (at least one
// second) means a truncated file or a header that lies.
func JudgeDecode(claimedMS int, r DecodeReport) error {
	secs := func(ms int) string { return fmt.Sprintf("%.1f s", float64(ms)/1000) }
	switch {
	case r.DurationMS > int(MaxSongDuration/time.Millisecond):
		return ErrAudioTooLong.WithMessage(fmt.Sprintf("the audio decodes to more than 1 hour (its header claims %s); songs are 1 second to 1 hour", secs(claimedMS)))
	case r.Errors > MaxDecodeErrors:
		return ErrAudioDamaged.WithMessage(fmt.Sprintf("the audio is damaged: decoding reported %d errors", r.Errors))
	case r.DurationMS < int(MinSongDuration/time.Millisecond):
		return ErrAudioTooShort.WithMessage(fmt.Sprintf("the audio decodes to %s; songs are 1 second to 1 hour", secs(r.DurationMS)))
	}
	if claimedMS > 0 {
		diff := claimedMS - r.DurationMS
		if diff < 0 {
			diff = -diff
		}
		if diff > max(1000, claimedMS/20) {
			return ErrAudioTruncated.WithMessage(fmt.Sprintf("the audio decodes to %s but its header claims %s: the file looks truncated or damaged", secs(r.DurationMS), secs(claimedMS)))
		}
	}
	return nil
}
