package matching

import "math"

// earthRadiusMeters is the mean Earth radius used for great-circle distances.
const earthRadiusMeters = 6371008.8

// LatLng is a WGS-84 position in degrees.
type LatLng struct {
	Lat float64 `json:"lat"`
	Lng float64 `json:"lng"`
}

// valid reports whether the position is finite and on the globe.
func (p LatLng) valid() bool {
	return !math.IsNaN(p.Lat) && !math.IsNaN(p.Lng) && p.Lat >= -90 && p.Lat <= 90 && p.Lng >= -180 && p.Lng <= 180
}

// DistanceMeters is the great-circle distance between a and b.
func DistanceMeters(a, b LatLng) float64 {
	return chordToMeters(chord2(unitVector(a), unitVector(b)))
}

// unitVector maps a position to a point on the unit sphere; distances between such points need
// no trigonometry, which is what makes scanning a million candidates cheap.
type vec3 struct{ x, y, z float64 }

func unitVector(p LatLng) vec3 {
	lat, lng := p.Lat*math.Pi/180, p.Lng*math.Pi/180
	cl := math.Cos(lat)
	return vec3{cl * math.Cos(lng), cl * math.Sin(lng), math.Sin(lat)}
}

// chord2 is the squared straight-line distance between two unit vectors. Computed from the
// differences (not from 2-2·dot) so that it stays accurate for points metres apart.
func chord2(a, b vec3) float64 {
	dx, dy, dz := a.x-b.x, a.y-b.y, a.z-b.z
	return dx*dx + dy*dy + dz*dz
}

// chordToMeters converts a squared chord of the unit sphere to a great-circle distance.
func chordToMeters(c2 float64) float64 {
	c := math.Sqrt(c2) / 2
	if c > 1 {
		c = 1
	}
	return 2 * earthRadiusMeters * math.Asin(c)
}

// metersToChord2 is the inverse of chordToMeters, for comparing against a radius without trig.
func metersToChord2(m float64) float64 {
	if m >= math.Pi*earthRadiusMeters {
		return 4
	}
	c := 2 * math.Sin(m/(2*earthRadiusMeters))
	return c * c
}
