// Package domain holds the music context's aggregates (artists, albums, songs, playlists), their
// invariants and the errors they return.
package domain

import "github.com/vibestream/vibestream/internal/kernel/errs"

// Errors of the music context, each with a stable code.
var (
	ErrArtistNotFound     = errs.New(errs.NotFound, "music.artist_not_found", "the artist does not exist")
	ErrNotAnArtist        = errs.New(errs.Forbidden, "music.not_an_artist", "only artists can do this")
	ErrAlbumNotFound      = errs.New(errs.NotFound, "music.album_not_found", "the album does not exist")
	ErrSongNotFound       = errs.New(errs.NotFound, "music.song_not_found", "the song does not exist")
	ErrPlaylistNotFound   = errs.New(errs.NotFound, "music.playlist_not_found", "the playlist does not exist")
	ErrNotOwner           = errs.New(errs.Forbidden, "music.not_owner", "only its owner can change this")
	ErrSongNotReady       = errs.New(errs.Conflict, "music.song_not_ready", "the song's audio is not ready")
	ErrSongProcessing     = errs.New(errs.Conflict, "music.song_processing", "the song's audio is still being processed")
	ErrSongDeleted        = errs.New(errs.Conflict, "music.song_deleted", "the song was deleted")
	ErrAlreadyInPlaylist  = errs.New(errs.Conflict, "music.already_in_playlist", "the song is already in the playlist")
	ErrNotInPlaylist      = errs.New(errs.NotFound, "music.not_in_playlist", "the song is not in the playlist")
	ErrUnsupportedAudio   = errs.New(errs.UnsupportedMedia, "music.unsupported_audio", "the file is not audio in a supported format (MP3, FLAC, WAV, OGG/Opus, M4A/AAC)")
	ErrAudioTooLarge      = errs.New(errs.TooLarge, "music.audio_too_large", "the file is larger than the upload limit")
	ErrEmptyAudio         = errs.New(errs.Invalid, "music.empty_audio", "the upload is empty")
	ErrUploadInterrupted  = errs.New(errs.Invalid, "music.upload_interrupted", "the upload ended before the file was complete")
	ErrStorageFull        = errs.New(errs.Unavailable, "music.storage_full", "the media storage is full: the upload was not kept; retry later")
	ErrRenditionMissing   = errs.New(errs.NotFound, "music.rendition_not_found", "the song has no audio in that quality")
	ErrBadSignature       = errs.New(errs.Forbidden, "music.bad_signature", "the stream link is not valid")
	ErrExpiredSignature   = errs.New(errs.Forbidden, "music.expired_signature", "the stream link has expired")
	ErrPreconditionFailed = errs.New(errs.PreconditionFailed, "music.precondition_failed", "the If-Match or If-Unmodified-Since condition does not hold")
	ErrRangeUnsatisfiable = errs.New(errs.RangeNotSatisfiable, "music.range_not_satisfiable", "the requested byte range is not satisfiable")
)
