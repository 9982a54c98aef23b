package demo

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"

	"github.com/wushe/wushe/app"
)

// stairwellPNG draws a small picture of a stairwell with a handrail (flat colours, so the
// PNG stays a few kilobytes): grey steps rising to the right under a steel-blue rail. It is
// drawn at load time so the repository holds no binary file.
func stairwellPNG() ([]byte, error) {
	const w, h = 320, 240
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	wall := color.NRGBA{R: 0xf1, G: 0xec, B: 0xe2, A: 0xff}
	step := color.NRGBA{R: 0x9a, G: 0x9a, B: 0x96, A: 0xff}
	edge := color.NRGBA{R: 0x6b, G: 0x6b, B: 0x68, A: 0xff}
	rail := color.NRGBA{R: 0x3d, G: 0x6f, B: 0x9e, A: 0xff}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := wall
			n := x / 40          // which step, left to right
			top := h - 30 - n*25 // each step 25 px higher
			switch {
			case y >= top && y < top+3:
				c = edge
			case y >= top:
				c = step
			}
			// The rail runs parallel to the steps' nosing, 60 px above it, with posts every 80 px.
			railY := h - 30 - x*25/40 - 60
			if y >= railY && y < railY+5 || (x%80 < 4 && y > railY && y < railY+60 && y < top) {
				c = rail
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// projectPhoto attaches the drawn stairwell to a project, as its proposer uploaded it.
func (l *loader) projectPhoto(ctx context.Context, pr *app.Project) error {
	data, err := stairwellPNG()
	if err != nil {
		return err
	}
	ph := &app.ProjectPhoto{ProjectID: pr.ID, StoredFile: app.NewStoredFile("3号楼楼道.png", "image/png", data, pr.ProposerID, pr.CreatedAt)}
	return l.st.CreateProjectPhoto(ctx, ph)
}
