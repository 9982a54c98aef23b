// Package media cleans uploaded images: file formats only, no domain (as package sheet is for
// spreadsheets). An image is decoded, turned upright as its EXIF orientation says, scaled
// down to a bound and encoded again, so only its pixels survive: EXIF (GPS location
// included), XMP and comment blocks are dropped.
package media

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"

	"github.com/disintegration/imaging"
	_ "golang.org/x/image/webp" // decode WebP uploads; they are stored as JPEG
)

// CleanImage decodes an image of at most maxPixels (a header claiming more is refused before
// decoding: a decompression bomb), turns it upright, fits it in maxSide × maxSide and encodes
// it again: PNG stays PNG (drawings, screenshots), anything else becomes a JPEG (quality 85).
// It returns the bytes and their content type.
func CleanImage(data []byte, maxSide, maxPixels int) ([]byte, string, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("image header: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPixels {
		return nil, "", fmt.Errorf("image of %d×%d pixels", cfg.Width, cfg.Height)
	}
	img, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
	if err != nil {
		return nil, "", fmt.Errorf("decode image: %w", err)
	}
	if b := img.Bounds(); b.Dx() > maxSide || b.Dy() > maxSide {
		img = imaging.Fit(img, maxSide, maxSide, imaging.Lanczos)
	}
	var buf bytes.Buffer
	if format == "png" {
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img)
		return buf.Bytes(), "image/png", err
	}
	err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	return buf.Bytes(), "image/jpeg", err
}
