package app

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// pngOf encodes a w×h PNG with a diagonal line, so scaling it changes its pixels.
func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < min(w, h); i++ {
		img.Set(i, i, color.NRGBA{R: 0xff, A: 0xff})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// hugePNGHeader is a PNG whose header claims 20000×20000 pixels and that has no pixels at all.
func hugePNGHeader() []byte {
	var ihdr bytes.Buffer
	ihdr.WriteString("IHDR")
	binary.Write(&ihdr, binary.BigEndian, []uint32{20000, 20000})
	ihdr.Write([]byte{8, 2, 0, 0, 0})
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	binary.Write(&out, binary.BigEndian, uint32(ihdr.Len()-4))
	out.Write(ihdr.Bytes())
	binary.Write(&out, binary.BigEndian, crc32.ChecksumIEEE(ihdr.Bytes()))
	return out.Bytes()
}

func TestCleanImage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		data       []byte
		wantType   string
		wantW      int
		wantH      int
		wantRefuse bool
	}{
		{"small PNG stays PNG and its size", pngOf(t, 40, 30), "image/png", 40, 30, false},
		{"tall PNG fits 1600 on its longer side", pngOf(t, 800, 3200), "image/png", 400, MaxImageSide, false},
		{"wide PNG", pngOf(t, 3300, 1100), "image/png", MaxImageSide, 533, false},
		{"decompression bomb", hugePNGHeader(), "", 0, 0, true},
		{"not an image", []byte("GIF89a but not really"), "", 0, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, ct, err := cleanImage(tc.data)
			if tc.wantRefuse {
				if err == nil {
					t.Fatalf("accepted: %s", ct)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			cfg, _, err := image.DecodeConfig(bytes.NewReader(out))
			if err != nil || ct != tc.wantType || cfg.Width != tc.wantW || cfg.Height != tc.wantH {
				t.Errorf("cleaned = %s %d×%d (%v), want %s %d×%d", ct, cfg.Width, cfg.Height, err, tc.wantType, tc.wantW, tc.wantH)
			}
		})
	}
}

func TestCheckUploads(t *testing.T) {
	t.Parallel()
	img := pngOf(t, 20, 20)
	pdf := []byte("%PDF-1.5\n")
	for _, tc := range []struct {
		name string
		rule fileRule
		have int
		in   []EvidenceInput
		want string // the message on the rule's field, "" when accepted
	}{
		{"photo on a need", needPhotoRule, 0, []EvidenceInput{{FileName: "a.png", Data: img}}, ""},
		{"PDF on a need", needPhotoRule, 0, []EvidenceInput{{FileName: "a.pdf", Data: pdf}}, "attachments.error.photo_type"},
		{"PDF on a bid", bidFileRule, 0, []EvidenceInput{{FileName: "a.pdf", Data: pdf}}, ""},
		{"PDF over 10 MB", bidFileRule, 0, []EvidenceInput{{Data: append(append([]byte{}, pdf...), make([]byte, MaxPDFBytes)...)}}, "attachments.error.too_large"},
		{"image over 5 MB on a bid", bidFileRule, 0, []EvidenceInput{{Data: append(append([]byte{}, img...), make([]byte, MaxProjectPhotoBytes)...)}}, "attachments.error.too_large"},
		{"the eleventh file", bidFileRule, MaxBidFiles, []EvidenceInput{{Data: pdf}}, "attachments.error.too_many"},
		{"empty", needPhotoRule, 0, []EvidenceInput{{FileName: "a.png"}}, "error.required"},
		{"project photo keeps its messages", projectPhotoRule, 0, []EvidenceInput{{Data: pdf}}, "projects.error.photo_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fe := FieldErrors{}
			ups := checkUploads(fe, tc.rule, tc.have, tc.in)
			got := ""
			if m, ok := fe[tc.rule.field]; ok {
				got = m.ID
			}
			if got != tc.want || (tc.want == "" && len(ups) != len(tc.in)) {
				t.Errorf("checkUploads = %q (%d kept), want %q", got, len(ups), tc.want)
			}
		})
	}
	if ups := checkUploads(FieldErrors{}, bidFileRule, 0, []EvidenceInput{{FileName: `C:\材料\资质.pdf`, Data: pdf}}); len(ups) != 1 || ups[0].FileName != "资质.pdf" || !bytes.Equal(ups[0].Data, pdf) {
		t.Errorf("PDF kept as %+v", ups)
	}
}
