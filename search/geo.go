package search

import "math"

// EarthRadiusM is the mean Earth radius (IUGG arithmetic mean, 6,371,008.8 m) used by Distance.
//
// Meilisearch 1.21 computes distances with the same haversine formula but a radius of
// 6,371,000 m (milli's distance_between_two_points → geoutils), so its distances are smaller by
// a factor of 1.38e-6 (1.4 cm at 10 km) and rounded; GeoTolerance bounds the difference.
const EarthRadiusM = 6371008.8

// Distance is the haversine great-circle distance between a and b in metres. It is the formula
// of record: the embedded engine filters and sorts with it, and the contract suite checks
// every engine's distances against it.
func Distance(a, b GeoPoint) float64 {
	φ1 := a.Lat * math.Pi / 180
	φ2 := b.Lat * math.Pi / 180
	dφ := (b.Lat - a.Lat) * math.Pi / 180
	dλ := (b.Lng - a.Lng) * math.Pi / 180
	s := math.Sin(dφ/2)*math.Sin(dφ/2) + math.Cos(φ1)*math.Cos(φ2)*math.Sin(dλ/2)*math.Sin(dλ/2)
	return 2 * EarthRadiusM * math.Asin(math.Min(1, math.Sqrt(s)))
}

// GeoTolerance is how far an engine's reported distance d may be from Distance (in metres) and
// still honour the contract: 1 m for rounding to whole metres plus 2 ppm for a different
// Earth radius. Fixtures keep documents further than this from radius boundaries.
func GeoTolerance(d float64) float64 { return 1 + 2e-6*d }

// RadiusBox returns a rectangle that contains every point within radiusM of c (used to narrow
// a radius filter with an index before the exact distance test). It widens to the whole
// longitude range near the poles and across the antimeridian rather than splitting in two.
func RadiusBox(c GeoPoint, radiusM float64) GeoBox {
	// A centimetre of padding keeps points exactly on the circle inside the box despite rounding.
	const pad = 1e-7
	dLat := radiusM/EarthRadiusM*180/math.Pi + pad
	b := GeoBox{MinLat: c.Lat - dLat, MaxLat: c.Lat + dLat, MinLng: -180, MaxLng: 180}
	if b.MinLat <= -90 || b.MaxLat >= 90 {
		b.MinLat, b.MaxLat = max(b.MinLat, -90), min(b.MaxLat, 90)
		return b
	}
	// The widest longitude span of the circle is at the latitude where it touches its meridian
	// tangents: asin(sin(r)/cos(lat)).
	r := radiusM / EarthRadiusM
	s := math.Sin(r) / math.Cos(c.Lat*math.Pi/180)
	if s >= 1 {
		return b
	}
	dLng := math.Asin(s)*180/math.Pi + pad
	if c.Lng-dLng < -180 || c.Lng+dLng > 180 {
		return b
	}
	b.MinLng, b.MaxLng = c.Lng-dLng, c.Lng+dLng
	return b
}
