package storage

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Options configure the S3-compatible store.
type S3Options struct {
	Endpoint  string // host:port
	Bucket    string
	AccessKey string
	SecretKey string
	Region    string
	UseSSL    bool
	// StagingDir is a local directory for uploads being received and transcoding work.
	StagingDir string
}

// S3 stores objects in an S3-compatible bucket through minio-go.
type S3 struct {
	client  *minio.Client
	bucket  string
	staging string
}

// NewS3 connects to the endpoint and makes sure the bucket exists.
func NewS3(ctx context.Context, o S3Options) (*S3, error) {
	c, err := minio.New(o.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(o.AccessKey, o.SecretKey, ""),
		Secure: o.UseSSL,
		Region: o.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("s3 client: %w", err)
	}
	ok, err := c.BucketExists(ctx, o.Bucket)
	if err != nil {
		return nil, fmt.Errorf("s3 bucket %s: %w", o.Bucket, err)
	}
	if !ok {
		if err := c.MakeBucket(ctx, o.Bucket, minio.MakeBucketOptions{Region: o.Region}); err != nil {
			return nil, fmt.Errorf("s3 create bucket %s: %w", o.Bucket, err)
		}
	}
	if err := os.MkdirAll(o.StagingDir, 0o750); err != nil {
		return nil, err
	}
	return &S3{client: c, bucket: o.Bucket, staging: o.StagingDir}, nil
}

// Name implements Store.
func (s *S3) Name() string { return "s3" }

// StagingDir implements Store.
func (s *S3) StagingDir() string { return s.staging }

// PutFile implements Store: uploads the file and removes the local copy.
func (s *S3) PutFile(ctx context.Context, key, path, contentType string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if _, err := s.client.FPutObject(ctx, s.bucket, key, path, minio.PutObjectOptions{ContentType: contentType}); err != nil {
		return fmt.Errorf("s3 put %s: %w", key, err)
	}
	return os.Remove(path)
}

// Open implements Store. The object reads lazily and seeks with ranged GETs.
func (s *S3) Open(ctx context.Context, key string) (Object, error) {
	if err := CheckKey(key); err != nil {
		return Object{}, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return Object{}, fmt.Errorf("s3 get %s: %w", key, err)
	}
	st, err := obj.Stat()
	if err != nil {
		obj.Close()
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return Object{}, ErrNotFound
		}
		return Object{}, fmt.Errorf("s3 stat %s: %w", key, err)
	}
	return Object{Reader: obj, Size: st.Size, ModTime: st.LastModified, Close: obj.Close}, nil
}

// Fetch implements Store: downloads to the staging directory.
func (s *S3) Fetch(ctx context.Context, key string) (string, func(), error) {
	if err := CheckKey(key); err != nil {
		return "", nil, err
	}
	f, err := os.CreateTemp(s.staging, "fetch-*")
	if err != nil {
		return "", nil, err
	}
	p := f.Name()
	f.Close()
	if err := s.client.FGetObject(ctx, s.bucket, key, p, minio.GetObjectOptions{}); err != nil {
		os.Remove(p)
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return "", nil, ErrNotFound
		}
		return "", nil, fmt.Errorf("s3 fetch %s: %w", key, err)
	}
	return p, func() { os.Remove(p); os.Remove(filepath.Join(s.staging, filepath.Base(p)+".part.minio")) }, nil
}

// Exists implements Store.
func (s *S3) Exists(ctx context.Context, key string) (bool, error) {
	if err := CheckKey(key); err != nil {
		return false, err
	}
	_, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return false, nil
		}
		return false, err
	}
	return true, nil
}
