//go:build ignore

// gen_images draws the raster images under static/images: the favicon
// (icon.png) and, at the paths Supervisor's page used, supervisor.gif,
// rule.gif and state0..3.gif, so that links and bookmarks to them still
// answer. They are our own drawings (the page itself uses logo.svg).
// Run with `go generate ./web`.
package main

import (
	"image"
	"image/color"
	"image/color/palette"
	"image/draw"
	"image/gif"
	"image/png"
	"math"
	"os"
)

// logo draws the mark at size×size: a rounded square in deep blue with
// three status lines, the first dot green, the second amber, the third
// green, supersampled 4× for smooth edges.
func logo(size int) *image.NRGBA {
	const ss = 4
	n := size * ss
	big := image.NewNRGBA(image.Rect(0, 0, n, n))
	bg := color.NRGBA{0x23, 0x3f, 0x9a, 0xff}
	bg2 := color.NRGBA{0x2d, 0x5b, 0xd7, 0xff}
	line := color.NRGBA{0xe8, 0xee, 0xff, 0xff}
	dots := []color.NRGBA{{0x3f, 0xd0, 0x74, 0xff}, {0xf2, 0xb3, 0x3d, 0xff}, {0x3f, 0xd0, 0x74, 0xff}}
	r := float64(n) * 0.22
	fn := float64(n)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			fx, fy := float64(x)+.5, float64(y)+.5
			if !inRoundRect(fx, fy, 0, 0, fn, fn, r) {
				continue
			}
			t := (fx + fy) / (2 * fn)
			big.SetNRGBA(x, y, mix(bg2, bg, t))
		}
	}
	for i := 0; i < 3; i++ {
		cy := fn * (0.30 + 0.20*float64(i))
		dr := fn * 0.075
		cx := fn * 0.28
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				fx, fy := float64(x)+.5, float64(y)+.5
				if math.Hypot(fx-cx, fy-cy) <= dr {
					big.SetNRGBA(x, y, dots[i])
				}
				h := fn * 0.05
				x0, x1 := fn*0.42, fn*(0.78-0.10*float64(i%2))
				if inRoundRect(fx, fy, x0, cy-h, x1, cy+h, h) {
					big.SetNRGBA(x, y, line)
				}
			}
		}
	}
	return downsample(big, ss)
}

func inRoundRect(x, y, x0, y0, x1, y1, r float64) bool {
	if x < x0 || x >= x1 || y < y0 || y >= y1 {
		return false
	}
	cx := math.Max(x0+r, math.Min(x, x1-r))
	cy := math.Max(y0+r, math.Min(y, y1-r))
	return math.Hypot(x-cx, y-cy) <= r
}

func mix(a, b color.NRGBA, t float64) color.NRGBA {
	l := func(p, q uint8) uint8 { return uint8(float64(p)*(1-t) + float64(q)*t) }
	return color.NRGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 0xff}
}

func downsample(src *image.NRGBA, ss int) *image.NRGBA {
	n := src.Bounds().Dx() / ss
	dst := image.NewNRGBA(image.Rect(0, 0, n, n))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			var r, g, b, a float64
			for dy := 0; dy < ss; dy++ {
				for dx := 0; dx < ss; dx++ {
					c := src.NRGBAAt(x*ss+dx, y*ss+dy)
					fa := float64(c.A)
					r += float64(c.R) * fa
					g += float64(c.G) * fa
					b += float64(c.B) * fa
					a += fa
				}
			}
			if a == 0 {
				continue
			}
			dst.SetNRGBA(x, y, color.NRGBA{uint8(r / a), uint8(g / a), uint8(b / a), uint8(a / float64(ss*ss))})
		}
	}
	return dst
}

func writePNG(path string, img image.Image) {
	f, err := os.Create(path)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		panic(err)
	}
}

// writeGIF flattens img onto white and writes it with the web-safe
// palette plus transparency.
func writeGIF(path string, img image.Image) {
	pal := append(color.Palette{color.Transparent}, palette.WebSafe...)
	b := img.Bounds()
	p := image.NewPaletted(b, pal)
	draw.FloydSteinberg.Draw(p, b, img, image.Point{})
	// keep fully transparent pixels transparent
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a < 0x4000 {
				p.SetColorIndex(x, y, 0)
			}
		}
	}
	f, err := os.Create(path)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := gif.Encode(f, p, nil); err != nil {
		panic(err)
	}
}

func dot(size int, c color.NRGBA) *image.NRGBA {
	const ss = 4
	n := size * ss
	big := image.NewNRGBA(image.Rect(0, 0, n, n))
	fn := float64(n)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if math.Hypot(float64(x)+.5-fn/2, float64(y)+.5-fn/2) <= fn*0.36 {
				big.SetNRGBA(x, y, c)
			}
		}
	}
	return downsample(big, ss)
}

func main() {
	dir := "static/images/"
	writePNG(dir+"icon.png", logo(64))
	writeGIF(dir+"supervisor.gif", logo(72))
	rule := image.NewNRGBA(image.Rect(0, 0, 1, 2))
	rule.SetNRGBA(0, 0, color.NRGBA{0xdd, 0xe1, 0xe8, 0xff})
	rule.SetNRGBA(0, 1, color.NRGBA{0xff, 0xff, 0xff, 0xff})
	writeGIF(dir+"rule.gif", rule)
	states := []color.NRGBA{
		{0x8a, 0x93, 0xa3, 0xff}, // nominal
		{0x1a, 0x9f, 0x47, 0xff}, // running
		{0xe0, 0x9b, 0x1a, 0xff}, // warning
		{0xd4, 0x35, 0x35, 0xff}, // error
	}
	for i, c := range states {
		writeGIF(dir+"state"+string(rune('0'+i))+".gif", dot(16, c))
	}
}
